/** Timestamp formats Google asks for (platform-apis.md §1a, §1b). */

/** RFC 3339 in UTC, e.g. `2026-11-20T10:15:00.000Z` (Data Manager `eventTimestamp`). */
export function toRfc3339(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * Google Ads API `yyyy-mm-dd hh:mm:ss+hh:mm`: the timezone is required; we always write UTC, so a
 * conversion's time never depends on the machine's zone.
 */
export function toAdsDateTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}+00:00`;
}

/** Whole seconds, rounded down: the Ads API's date-times carry no fractions. */
export function floorToSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}
