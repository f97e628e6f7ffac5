/**
 * Keeps requests to one API at least `intervalMs` apart (HubSpot's search endpoint allows about four a
 * second per account, reference/platform-apis.md §4; a 429 beyond that is still honoured by the client).
 */
export type RequestSpacer = { wait(): Promise<void> };

export function createRequestSpacer(options: {
  intervalMs: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}): RequestSpacer {
  let last: number | undefined;
  return {
    async wait() {
      const now = options.now();
      const wait = last === undefined ? 0 : last + options.intervalMs - now;
      if (wait > 0) await options.sleep(wait);
      last = now + Math.max(0, wait);
    },
  };
}
