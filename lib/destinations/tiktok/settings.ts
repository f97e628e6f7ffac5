import {
  choiceWithDefault,
  defineSettings,
  optionalMatching,
  optionalText,
  optionalUrl,
  requireAll,
} from '../../settings';

export type TiktokPurchaseEvent = 'Purchase' | 'CompletePayment';

export type TiktokConfig = {
  pixelCode: string;
  accessToken: string;
  testEventCode: string | undefined;
  baseUrl: string;
  purchaseEvent: TiktokPurchaseEvent;
};

/** What the mapping and the recorded request may see: everything but the access token. */
export type TiktokSettings = Omit<TiktokConfig, 'accessToken'>;

export const tiktokSettings = defineSettings({
  key: 'tiktok',
  entries: {
    TIKTOK_PIXEL_CODE: optionalMatching(
      /^[A-Z0-9]+$/i,
      'TIKTOK_PIXEL_CODE must be a pixel code (letters and digits)',
    ),
    TIKTOK_ACCESS_TOKEN: optionalText,
    TIKTOK_TEST_EVENT_CODE: optionalText,
    TIKTOK_BASE_URL: optionalUrl('TIKTOK_BASE_URL', 'https://business-api.tiktok.com'),
    TIKTOK_PURCHASE_EVENT: choiceWithDefault(
      ['Purchase', 'CompletePayment'],
      'Purchase',
      'TIKTOK_PURCHASE_EVENT must be Purchase or CompletePayment',
    ),
  },
  build(env, disabled): TiktokConfig | undefined {
    const usable = requireAll(
      'tiktok',
      { TIKTOK_PIXEL_CODE: env.TIKTOK_PIXEL_CODE, TIKTOK_ACCESS_TOKEN: env.TIKTOK_ACCESS_TOKEN },
      disabled,
    );
    if (!usable) return undefined;
    return {
      pixelCode: env.TIKTOK_PIXEL_CODE as string,
      accessToken: env.TIKTOK_ACCESS_TOKEN as string,
      testEventCode: env.TIKTOK_TEST_EVENT_CODE,
      baseUrl: env.TIKTOK_BASE_URL,
      purchaseEvent: env.TIKTOK_PURCHASE_EVENT,
    };
  },
});
