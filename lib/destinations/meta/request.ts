import type { RequestDescription } from '../types';
import type { MetaSettings } from './settings';

/** Conversions API: at most 1,000 events a request. */
export const META_MAX_EVENTS = 1000;

/** The request body without the access token (the client adds it; it is never recorded). */
export function buildMetaRequest(events: readonly unknown[], settings: MetaSettings): RequestDescription {
  return {
    method: 'POST',
    url: `${settings.graphBaseUrl}/${settings.apiVersion}/${settings.pixelId}/events`,
    body: { data: events, ...(settings.testEventCode ? { test_event_code: settings.testEventCode } : {}) },
  };
}
