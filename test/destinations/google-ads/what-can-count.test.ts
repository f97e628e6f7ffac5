import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../lib/config';
import { CRM_DISPLAY_NAMES } from '../../../lib/crm/registry';
import { createGoogleAdsDestination } from '../../../lib/destinations/google-ads';
import type { OrderRecord } from '../../../lib/domain';
import { conversionFor } from '../../../lib/pipeline/conversion';
import { DAY, T0 } from '../../support/clock';
import { closeRecord, leadRecord } from '../../support/conversion-inputs';
import { GCLID } from '../../support/conversions';
import { allDestinations, decideFor, sentRow } from '../../support/destinations';
import { checkoutWithBrowserBody, orderOf } from '../../support/orders';
import { type Platforms, startPlatforms } from '../../support/platforms';

/**
 * Nothing sent that cannot count (platform-apis.md §7): the click-through window runs from the click to the
 * conversion, a conversion before its click is not sent, orders get the same checks, and no cart data goes
 * beside a gbraid or wbraid (Google ignores it with WARNING_REASON_CART_DATA_NOT_SUPPORTED_WITH_GBRAID_OR_WBRAID).
 */
const MODES = ['datamanager', 'ads'] as const;

function google(mode: (typeof MODES)[number], env: Record<string, string> = {}) {
  const destination = allDestinations({ GOOGLE_ADS_UPLOAD_API: mode, ...env }).get('google-ads');
  if (!destination) throw new Error('google-ads not configured');
  return destination;
}

const clickSeconds = (ms: number) => Math.floor(ms / 1000);

/** An order of the seed with only the given click IDs (no gclid in its page URL) and, optionally, no identity. */
function orderWithClicks(
  clickIds: Record<string, string>,
  options: { anonymous?: boolean } = {},
): OrderRecord {
  const body = checkoutWithBrowserBody();
  const context = body.context as Record<string, unknown>;
  const order = orderOf(
    {
      ...body,
      ...(options.anonymous ? { user: undefined } : {}),
      context: { ...context, url: 'https://example.com/checkout/success', click_ids: clickIds },
    },
    T0,
  );
  return options.anonymous
    ? { ...order, identity: { ...order.identity, google: { emails: [], phones: [] } } }
    : order;
}

describe.each(MODES)('Google (%s): the click window', (mode) => {
  const noIdentity = { user: null } as const;

  it('is measured from the click to the conversion, not to the upload', () => {
    // Clicked 100 days ago, closed 20 days ago: 80 days inside the window, though 100 have passed since.
    const lead = leadRecord('lead_w', { capturedAt: T0 - 100 * DAY, ...noIdentity });
    const close = closeRecord('lead_w', { closedAt: T0 - 20 * DAY, sourceUpdatedAt: T0 - 20 * DAY });
    const decision = decideFor(
      google(mode),
      conversionFor(close, { ...lead, capturedAt: T0 - 100 * DAY }, undefined, T0, CRM_DISPLAY_NAMES),
    );
    expect(JSON.stringify(sentRow(decision))).toContain(GCLID);
  });

  it('a close 95 days after its click is expired, with GOOGLE_ADS_CLICK_WINDOW_DAYS=30 one 31 days after', () => {
    const lead = { ...leadRecord('lead_w', { ...noIdentity }), capturedAt: T0 - 100 * DAY };
    const late = closeRecord('lead_w', { closedAt: T0 - 5 * DAY, sourceUpdatedAt: T0 - 5 * DAY });
    expect(
      decideFor(google(mode), conversionFor(late, lead, undefined, T0, CRM_DISPLAY_NAMES)),
    ).toMatchObject({
      kind: 'skip',
      reason: 'expired',
    });
    const short = google(mode, { GOOGLE_ADS_CLICK_WINDOW_DAYS: '30' });
    const recent = { ...lead, capturedAt: T0 - 40 * DAY };
    const at31 = closeRecord('lead_w', { closedAt: T0 - 9 * DAY, sourceUpdatedAt: T0 - 9 * DAY });
    expect(decideFor(short, conversionFor(at31, recent, undefined, T0, CRM_DISPLAY_NAMES))).toMatchObject({
      reason: 'expired',
    });
  });

  it('a conversion before its click is skipped:conversion_precedes_click, even with other identifiers', () => {
    const lead = { ...leadRecord('lead_p'), capturedAt: T0 - 2 * DAY };
    const close = closeRecord('lead_p', { closedAt: T0 - 3 * DAY, sourceUpdatedAt: T0 - 3 * DAY });
    expect(
      decideFor(google(mode), conversionFor(close, lead, undefined, T0, CRM_DISPLAY_NAMES)),
    ).toMatchObject({
      kind: 'skip',
      reason: 'conversion_precedes_click',
    });
  });

  it('an order with a 120-day-old click (its _gcl_aw cookie) is skipped; with user data it goes without the click', () => {
    const old = `GCL.${clickSeconds(T0 - 120 * DAY)}.old-order-gclid`;
    const anonymous = orderWithClicks({ _gcl_aw: old }, { anonymous: true });
    expect(anonymous.clickIds).toMatchObject({ gclid: 'old-order-gclid', gclAw: old });
    expect(
      decideFor(google(mode), conversionFor(anonymous, undefined, undefined, T0, CRM_DISPLAY_NAMES)),
    ).toMatchObject({
      kind: 'skip',
      reason: 'expired',
    });
    const known = orderWithClicks({ _gcl_aw: old });
    expect(
      JSON.stringify(
        sentRow(decideFor(google(mode), conversionFor(known, undefined, undefined, T0, CRM_DISPLAY_NAMES))),
      ),
    ).not.toContain('old-order-gclid');
  });

  it('an order dated before its click is skipped:conversion_precedes_click; a recent click is sent', () => {
    const later = orderWithClicks({ _gcl_aw: `GCL.${clickSeconds(T0 + DAY)}.future-gclid` });
    expect(
      decideFor(google(mode), conversionFor(later, undefined, undefined, T0 + 2 * DAY, CRM_DISPLAY_NAMES)),
    ).toMatchObject({
      reason: 'conversion_precedes_click',
    });
    const recent = orderWithClicks({ _gcl_aw: `GCL.${clickSeconds(T0 - 3 * DAY)}.recent-gclid` });
    expect(
      JSON.stringify(
        sentRow(decideFor(google(mode), conversionFor(recent, undefined, undefined, T0, CRM_DISPLAY_NAMES))),
      ),
    ).toContain('recent-gclid');
  });

  it('sends no cart data beside a gbraid or wbraid, and keeps it beside a gclid', () => {
    const braids: Record<string, string>[] = [{ gbraid: 'order-gbraid' }, { wbraid: 'order-wbraid' }];
    for (const clickIds of braids) {
      const row = sentRow(
        decideFor(
          google(mode),
          conversionFor(orderWithClicks(clickIds), undefined, undefined, T0, CRM_DISPLAY_NAMES),
        ),
      );
      expect(JSON.stringify(row)).toContain(Object.values(clickIds)[0]);
      expect(row).not.toHaveProperty('cartData');
    }
    const gclid = sentRow(
      decideFor(
        google(mode),
        conversionFor(orderWithClicks({ gclid: 'g1' }), undefined, undefined, T0, CRM_DISPLAY_NAMES),
      ),
    );
    expect(gclid).toHaveProperty('cartData');
  });
});

describe('GOOGLE_ADS_CLICK_WINDOW_DAYS', () => {
  const base = {
    GOOGLE_ADS_CUSTOMER_ID: '1234567890',
    GOOGLE_ADS_CLIENT_ID: 'c',
    GOOGLE_ADS_CLIENT_SECRET: 's',
    GOOGLE_ADS_REFRESH_TOKEN: 'r',
    GOOGLE_ADS_CONVERSION_ACTION_WON: '1',
  };
  it('is 90 by default and at most 90 (Google’s longest window)', () => {
    expect(loadConfig(base).googleAds?.clickWindowDays).toBe(90);
    expect(loadConfig({ ...base, GOOGLE_ADS_CLICK_WINDOW_DAYS: '30' }).googleAds?.clickWindowDays).toBe(30);
    expect(() => loadConfig({ ...base, GOOGLE_ADS_CLICK_WINDOW_DAYS: '91' })).toThrow(/at most 90/);
  });
});

describe('Data Manager fake: cart data as cart_data.proto defines it', () => {
  let platforms: Platforms;
  beforeEach(async () => {
    platforms = await startPlatforms({ now: () => T0, extended: true });
  });
  afterEach(async () => {
    await platforms.close();
  });

  it('the connector’s gbraid order draws no field warning; the same event with cart data would', async () => {
    const config = loadConfig(platforms.env).googleAds;
    if (!config) throw new Error('google-ads not configured');
    const destination = createGoogleAdsDestination(config, { fetch, now: () => T0 });
    const row = sentRow(
      decideFor(
        destination,
        conversionFor(
          orderWithClicks({ gbraid: 'order-gbraid' }),
          undefined,
          undefined,
          T0,
          CRM_DISPLAY_NAMES,
        ),
      ),
    );
    const result = await destination.upload([row], 'events', { deadline: T0 + 60_000 });
    // Data Manager takes it now and processes it later (accepted, awaiting its processing result).
    expect(result.outcomes).toEqual([{ kind: 'accepted', responseId: 'dm-request-1' }]);
    expect(platforms.violations()).toEqual([]);
    expect(platforms.dataManager.fieldWarnings).toEqual([]);

    const withCart = {
      ...(row as object),
      cartData: { items: [{ itemId: 'sku-1', quantity: 2, unitPrice: 1 }] },
    };
    await destination.upload([withCart], 'events', { deadline: T0 + 60_000 });
    expect(platforms.violations()).toEqual([]);
    expect(platforms.dataManager.fieldWarnings.map((warning) => warning.reason)).toEqual([
      'WARNING_REASON_CART_DATA_ITEM_MERCHANT_PRODUCT_ID_MISSING',
      'WARNING_REASON_CART_DATA_NOT_SUPPORTED_WITH_GBRAID_OR_WBRAID',
    ]);
  });

  it('refuses a cart field the proto does not define, or a wrong type', async () => {
    const config = loadConfig(platforms.env).googleAds;
    if (!config) throw new Error('google-ads not configured');
    const destination = createGoogleAdsDestination(config, { fetch, now: () => T0 });
    const row = sentRow(
      decideFor(
        destination,
        conversionFor(orderWithClicks({ gclid: 'g1' }), undefined, undefined, T0, CRM_DISPLAY_NAMES),
      ),
    ) as { cartData: { items: object[] } };
    const bad = {
      ...row,
      cartData: { ...row.cartData, items: [{ ...row.cartData.items[0], price: 1, quantity: 'two' }] },
    };
    await destination.upload([bad], 'events', { deadline: T0 + 60_000 });
    const violations = platforms.violations().join('\n');
    expect(violations).toContain('cartData.items[0].price: unknown field');
    expect(violations).toContain('cartData.items[0].quantity: int64');
  });
});
