import type { RequestDescription } from '../types';
import type { TiktokEvent, TiktokEventSource } from './event';
import type { TiktokSettings } from './settings';
import { TIKTOK_API_VERSION } from './version';

/**
 * Events a request: TikTok's own limit could not be verified from here (a third-party integration guide
 * says 1,000); 1,000 is used, the same bound as Meta's, and a request TikTok refused for size would be
 * reported, not lost.
 */
export const TIKTOK_MAX_EVENTS = 1000;

/**
 * The request body; the access token travels in the `Access-Token` header, never here. The batch is the
 * event source, and the event set follows from it: CRM events to the CRM Event Set, web events to the pixel
 * (a mapping sends neither without its ID).
 */
export function buildTiktokRequest(
  rows: readonly TiktokEvent[],
  batch: string,
  settings: TiktokSettings,
): RequestDescription {
  return {
    method: 'POST',
    url: `${settings.baseUrl}/open_api/${TIKTOK_API_VERSION}/event/track/`,
    body: {
      event_source: batch as TiktokEventSource,
      event_source_id: batch === 'crm' ? settings.crmEventSetId : settings.pixelCode,
      ...(settings.testEventCode ? { test_event_code: settings.testEventCode } : {}),
      data: rows,
    },
  };
}
