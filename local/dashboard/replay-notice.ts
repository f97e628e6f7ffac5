/**
 * What the page says after a replay (pure), from the backfill's answer to `{"replay": …}`: per destination,
 * sent again, recorded without a request, or left as it was and why; a refusal names its fields.
 */
type ReplayAnswer = {
  ok: boolean;
  error?: string;
  issues?: { field: string; message: string }[];
  replay?: {
    subjects: {
      subject: string;
      found: boolean;
      deliveries: { destination: string; replay: string; status?: string; reason?: string }[];
    }[];
    more?: boolean;
  };
};

export function replayNotice(result: unknown): string {
  const answer = result as ReplayAnswer;
  if (!answer.ok) {
    const issues = (answer.issues ?? []).map((issue) => `${issue.field}: ${issue.message}`).join('; ');
    return `replay refused: ${answer.error ?? 'bad input'}${issues ? ` (${issues})` : ''}`;
  }
  if (!answer.replay) return 'replay: this version of the backfill does not replay';
  const lines = answer.replay.subjects.flatMap((subject) =>
    subject.found || subject.deliveries.length > 0
      ? subject.deliveries.map(
          (delivery) =>
            `${delivery.destination}: ${delivery.replay.replace('_', ' ')}${delivery.status ? ` → ${delivery.status}` : ''}${
              delivery.reason ? ` (${delivery.reason})` : ''
            }`,
        )
      : [`${subject.subject}: no such subject`],
  );
  return `replayed: ${lines.join(' · ') || 'nothing to replay'}${answer.replay.more ? ' — some were not recorded; replay again' : ''}`;
}
