import type { DeliveryRecord } from '../lib/domain';

/**
 * `npm run status -- --csv`: one row per delivery, for a spreadsheet or an audit. The subject key (a lead
 * ID, pseudonymous, or `order:<id>`), the destination, the status and its reason, the attempts, the last
 * attempt's time and the platform's request or trace ID — never an identifier, a payload or a message
 * (messages may quote a platform's text). RFC 4180: comma-separated, CRLF line ends, a field holding a
 * comma, quote or line break quoted with its quotes doubled.
 */
export const DELIVERY_CSV_HEADER = [
  'subject',
  'destination',
  'status',
  'reason',
  'attempts',
  'last_attempt',
  'platform_request_id',
] as const;

/** The rows after the header, sorted by subject and destination; pure. */
export function deliveryCsvRows(deliveries: Iterable<DeliveryRecord>): string[][] {
  return [...deliveries]
    .sort((a, b) => compare(a.subjectKey, b.subjectKey) || compare(a.destination, b.destination))
    .map((delivery) => {
      const separator = delivery.status.indexOf(':');
      const lastAttempt = [...(delivery.history ?? [])]
        .reverse()
        .find((entry) => entry.kind !== 'processing');
      return [
        delivery.subjectKey,
        delivery.destination,
        separator < 0 ? delivery.status : delivery.status.slice(0, separator),
        separator < 0 ? (delivery.lastErrorCode ?? '') : delivery.status.slice(separator + 1),
        String(delivery.attempts),
        iso(lastAttempt?.at ?? (delivery.attempts > 0 ? delivery.updatedAt : undefined)),
        delivery.platformResponseId ?? lastAttempt?.responseId ?? '',
      ];
    });
}

/** The whole document: the header and one row per delivery (just the header when there is none). */
export function deliveriesCsv(deliveries: Iterable<DeliveryRecord>): string {
  return [[...DELIVERY_CSV_HEADER], ...deliveryCsvRows(deliveries)]
    .map((row) => row.map(csvField).join(','))
    .join('\r\n')
    .concat('\r\n');
}

/**
 * One field, quoted when it must be. A value a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, a
 * tab or CR first; subject keys come from the senders) is prefixed with `'` (OWASP's CSV injection advice).
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function iso(ms: number | undefined): string {
  return ms === undefined ? '' : new Date(ms).toISOString();
}
