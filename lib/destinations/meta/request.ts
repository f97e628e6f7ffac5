import type { RequestDescription } from '../types';
import type { MetaSettings } from './settings';

/** Conversions API: at most 1,000 events a request. */
export const META_MAX_EVENTS = 1000;

// A placeholder no JSON text of ours contains (a NUL), swapped for the bare digits once serialised.
const LEAD_ID_MARK = '\u0000meta-lead-id:';
const MARKED_LEAD_ID = /"\\u0000meta-lead-id:(\d{15,17})"/g;

/**
 * The request body as JSON, with `user_data.lead_id` written as the integer Meta's CRM payload spec types
 * it as (reference §7). It is a 15–17-digit number above 2^53, so it is held as text everywhere (stored,
 * recorded in `describe`) and only here written as bare digits, exactly: a JavaScript number would lose them.
 */
export function serializeMetaBody(body: unknown): string {
  const text = JSON.stringify(body, (key, value) =>
    key === 'lead_id' && typeof value === 'string' && /^\d{15,17}$/.test(value)
      ? `${LEAD_ID_MARK}${value}`
      : value,
  );
  return text.replace(MARKED_LEAD_ID, '$1');
}

/** The request body without the access token (the client adds it; it is never recorded). */
export function buildMetaRequest(events: readonly unknown[], settings: MetaSettings): RequestDescription {
  return {
    method: 'POST',
    url: `${settings.graphBaseUrl}/${settings.apiVersion}/${settings.pixelId}/events`,
    body: { data: events, ...(settings.testEventCode ? { test_event_code: settings.testEventCode } : {}) },
  };
}
