import { ConfigurationError } from '../../errors';
import {
  choiceWithDefault,
  type DisabledCapability,
  defineSettings,
  optionalMatching,
  optionalText,
  optionalUrl,
  textWithDefault,
} from '../../settings';

export type TiktokPurchaseEvent = 'Purchase' | 'CompletePayment';

export type TiktokConfig = {
  /** The web pixel: orders (`event_source: "web"`) go to it; undefined → orders are not sent. */
  pixelCode: string | undefined;
  /** The CRM Event Set (Events Manager): closes (`event_source: "crm"`) go to it; undefined → not sent. */
  crmEventSetId: string | undefined;
  accessToken: string;
  testEventCode: string | undefined;
  baseUrl: string;
  purchaseEvent: TiktokPurchaseEvent;
  /** Won and lost closes never share a name: TikTok optimises on the event each is mapped to. */
  wonEvent: string;
  lostEvent: string;
};

/** What the mapping and the recorded request may see: everything but the access token. */
export type TiktokSettings = Omit<TiktokConfig, 'accessToken'>;

/**
 * Defaults of TIKTOK_WON_EVENT and TIKTOK_LOST_EVENT (custom events, mapped to standard ones in Events
 * Manager). Won keeps the name every close had before (`LeadClosed`), so a mapping made for it still holds.
 */
export const TIKTOK_DEFAULT_WON_EVENT = 'LeadClosed';
export const TIKTOK_DEFAULT_LOST_EVENT = 'LeadLost';

const EVENT_NAME = /^[A-Za-z][A-Za-z0-9_]{0,49}$/;
const eventName = (name: string, fallback: string) =>
  textWithDefault(
    fallback,
    EVENT_NAME,
    `${name} must be an event name (a letter, then letters, digits or _)`,
  );

export const tiktokSettings = defineSettings({
  key: 'tiktok',
  entries: {
    TIKTOK_PIXEL_CODE: optionalMatching(
      /^[A-Z0-9]+$/i,
      'TIKTOK_PIXEL_CODE must be a pixel code (letters and digits)',
    ),
    TIKTOK_CRM_EVENT_SET_ID: optionalMatching(
      /^[A-Z0-9]+$/i,
      'TIKTOK_CRM_EVENT_SET_ID must be an event set ID (letters and digits)',
    ),
    TIKTOK_ACCESS_TOKEN: optionalText,
    TIKTOK_TEST_EVENT_CODE: optionalText,
    TIKTOK_BASE_URL: optionalUrl('TIKTOK_BASE_URL', 'https://business-api.tiktok.com'),
    TIKTOK_PURCHASE_EVENT: choiceWithDefault(
      ['Purchase', 'CompletePayment'],
      'Purchase',
      'TIKTOK_PURCHASE_EVENT must be Purchase or CompletePayment',
    ),
    TIKTOK_WON_EVENT: eventName('TIKTOK_WON_EVENT', TIKTOK_DEFAULT_WON_EVENT),
    TIKTOK_LOST_EVENT: eventName('TIKTOK_LOST_EVENT', TIKTOK_DEFAULT_LOST_EVENT),
  },
  build(env, disabled): TiktokConfig | undefined {
    const pixelCode = env.TIKTOK_PIXEL_CODE;
    const crmEventSetId = env.TIKTOK_CRM_EVENT_SET_ID;
    const accessToken = env.TIKTOK_ACCESS_TOKEN;
    if (!accessToken || (!pixelCode && !crmEventSetId)) {
      // Either event set makes TikTok useful: the pixel (orders) or the CRM event set (closes).
      const missing = [
        ...(!pixelCode && !crmEventSetId ? ['TIKTOK_PIXEL_CODE'] : []),
        ...(!accessToken ? ['TIKTOK_ACCESS_TOKEN'] : []),
      ];
      disabled.push({ name: 'tiktok', missing });
      return undefined;
    }
    reportHalf(disabled, { pixelCode, crmEventSetId });
    if (env.TIKTOK_WON_EVENT === env.TIKTOK_LOST_EVENT) {
      throw new ConfigurationError(
        'Invalid configuration: TIKTOK_WON_EVENT and TIKTOK_LOST_EVENT must differ (won and lost cannot share an event)',
        ['TIKTOK_WON_EVENT', 'TIKTOK_LOST_EVENT'],
      );
    }
    return {
      pixelCode,
      crmEventSetId,
      accessToken,
      testEventCode: env.TIKTOK_TEST_EVENT_CODE,
      baseUrl: env.TIKTOK_BASE_URL,
      purchaseEvent: env.TIKTOK_PURCHASE_EVENT,
      wonEvent: env.TIKTOK_WON_EVENT,
      lostEvent: env.TIKTOK_LOST_EVENT,
    };
  },
});

/**
 * TikTok wants CRM events in a CRM Event Set, never under the web pixel (platform-apis.md §7): without the
 * set's ID closes are off, and without the pixel orders are; each is said once at start-up.
 */
function reportHalf(
  disabled: DisabledCapability[],
  ids: { pixelCode: string | undefined; crmEventSetId: string | undefined },
): void {
  if (!ids.crmEventSetId) disabled.push({ name: 'tiktok-crm-events', missing: ['TIKTOK_CRM_EVENT_SET_ID'] });
  if (!ids.pixelCode) disabled.push({ name: 'tiktok-web-events', missing: ['TIKTOK_PIXEL_CODE'] });
}
