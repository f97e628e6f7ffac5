import { describe, expect, it } from 'vitest';
import { loadConfig } from '../lib/config';
import { ConfigurationError } from '../lib/errors';

const GOOGLE = {
  GOOGLE_ADS_CUSTOMER_ID: '123-456-7890',
  GOOGLE_ADS_CLIENT_ID: 'client-id',
  GOOGLE_ADS_CLIENT_SECRET: 'client-secret',
  GOOGLE_ADS_REFRESH_TOKEN: 'refresh-token',
  GOOGLE_ADS_CONVERSION_ACTION_WON: '987654',
};

function configError(env: Record<string, string>): ConfigurationError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigurationError) return error;
    throw error;
  }
  throw new Error('expected a ConfigurationError');
}

describe('loadConfig', () => {
  it('applies DESIGN.md defaults to an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      tableName: 'crm-conversions',
      dynamodbEndpoint: undefined,
      dryRun: false,
      googleAds: undefined,
      meta: undefined,
      hubspot: { apiBaseUrl: 'https://api.hubapi.com', leadIdProperty: 'lead_id' },
      salesforce: { leadIdField: 'Lead_ID__c', lossReasonField: 'Loss_Reason__c', apiVersion: 'v68.0' },
      collect: { apiKeys: [] },
    });
  });

  it('lists each disabled capability with the variables it lacks', () => {
    const config = loadConfig({ META_PIXEL_ID: '1234567890' });
    expect(config.disabled).toContainEqual({ name: 'meta', missing: ['META_ACCESS_TOKEN'] });
    expect(config.disabled).toContainEqual({
      name: 'google-ads',
      missing: [
        ...Object.keys(GOOGLE).filter((name) => name !== 'GOOGLE_ADS_CONVERSION_ACTION_WON'),
        'GOOGLE_ADS_CONVERSION_ACTION_WON or GOOGLE_ADS_CONVERSION_ACTION_PURCHASE',
      ],
    });
    expect(config.disabled.map((capability) => capability.name)).toEqual(
      expect.arrayContaining(['collect', 'hubspot-webhook', 'salesforce-webhook']),
    );
  });

  it('enables Google with digits-only account IDs and Data Manager by default', () => {
    const config = loadConfig({ ...GOOGLE, GOOGLE_ADS_LOGIN_CUSTOMER_ID: '111-222-3333' });
    expect(config.googleAds).toMatchObject({
      customerId: '1234567890',
      loginCustomerId: '1112223333',
      uploadApi: 'datamanager',
      apiVersion: 'v26',
      dataManagerBaseUrl: 'https://datamanager.googleapis.com',
      oauthTokenUrl: 'https://oauth2.googleapis.com/token',
      conversionActionLost: undefined,
      developerToken: undefined,
    });
    expect(config.disabled.map((capability) => capability.name)).not.toContain('google-ads');
  });

  it('enables Meta with the default graph URL, version and naming', () => {
    const config = loadConfig({ META_PIXEL_ID: '1234567890', META_ACCESS_TOKEN: 'token' });
    expect(config.meta).toEqual({
      pixelId: '1234567890',
      accessToken: 'token',
      testEventCode: undefined,
      eventNaming: 'single',
      graphBaseUrl: 'https://graph.facebook.com',
      apiVersion: 'v26.0',
    });
  });

  it('splits COLLECT_API_KEYS on commas and trims them', () => {
    const config = loadConfig({ COLLECT_API_KEYS: ' key-one-0123456789abcdef , key-two-0123456789abcdef ,' });
    expect(config.collect.apiKeys).toEqual(['key-one-0123456789abcdef', 'key-two-0123456789abcdef']);
  });

  it('strips a trailing slash from base URLs so paths join cleanly', () => {
    expect(loadConfig({ HUBSPOT_API_BASE_URL: 'http://127.0.0.1:9000/' }).hubspot.apiBaseUrl).toBe(
      'http://127.0.0.1:9000',
    );
  });

  it('pins the HubSpot API date version, overridable by HUBSPOT_API_VERSION', () => {
    expect(loadConfig({}).hubspot.apiVersion).toBe('2026-09');
    expect(loadConfig({ HUBSPOT_API_VERSION: '2027-03' }).hubspot.apiVersion).toBe('2027-03');
    expect(() => loadConfig({ HUBSPOT_API_VERSION: 'v3' })).toThrow(/HUBSPOT_API_VERSION/);
  });

  it('parses CLOSURE_REASON_MAP as a JSON object', () => {
    expect(loadConfig({ CLOSURE_REASON_MAP: '{"Went dark":"unresponsive"}' }).closureReasonMap).toEqual({
      'Went dark': 'unresponsive',
    });
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['DASHBOARD_PORT', 'dash'],
    ['DASHBOARD_PORT', '0'],
    ['DYNAMODB_ENDPOINT', 'localhost:8000'],
    ['PUBLIC_BASE_URL', 'ftp://example.com'],
    ['COLLECT_API_KEYS', 'short'],
    ['GOOGLE_ADS_CUSTOMER_ID', '12345'],
    ['GOOGLE_ADS_CONVERSION_ACTION_WON', 'won-action'],
    ['GOOGLE_ADS_UPLOAD_API', 'rest'],
    ['META_EVENT_NAMING', 'camel'],
    ['META_API_VERSION', '26'],
    ['META_PIXEL_ID', 'pixel'],
    ['DRY_RUN', 'maybe'],
    ['SALESFORCE_ORG_ID', '12345'],
    // The local sample org 00D5g000004ABCDEA4 with its checksum's last character wrong.
    ['SALESFORCE_ORG_ID', '00D5g000004ABCDEA5'],
    ['SALESFORCE_WEBHOOK_TOKEN', 'short'],
    ['CLOSURE_REASON_MAP', '["price"]'],
    ['DEFAULT_CURRENCY', 'dollars'],
    ['DEFAULT_CURRENCY', 'BTC'],
    ['DEFAULT_PHONE_COUNTRY', 'DEU'],
    ['DEFAULT_PHONE_COUNTRY', 'XX'],
    ['TABLE_NAME', 'a'],
  ])('fails start-up naming %s when it is %j', (name, value) => {
    const error = configError({ [name]: value });
    expect(error.variables).toEqual([name]);
    expect(error.message).toContain(name);
  });

  it('reads DASHBOARD_PORT, 3100 by default', () => {
    expect(loadConfig({}).dashboardPort).toBe(3100);
    expect(loadConfig({ DASHBOARD_PORT: '4100' }).dashboardPort).toBe(4100);
  });

  it('reads DEFAULT_PHONE_COUNTRY as an upper-case ISO-2 code, unset by default', () => {
    expect(loadConfig({}).defaultPhoneCountry).toBeUndefined();
    expect(loadConfig({ DEFAULT_PHONE_COUNTRY: 'de' }).defaultPhoneCountry).toBe('DE');
  });

  it('names every invalid variable at once', () => {
    const error = configError({ PORT: 'x', DRY_RUN: 'maybe' });
    expect(error.variables.sort()).toEqual(['DRY_RUN', 'PORT']);
  });

  it.each([
    ['true', true],
    ['1', true],
    ['false', false],
    ['', false],
  ])('reads DRY_RUN=%j as %s', (value, expected) => {
    expect(loadConfig({ DRY_RUN: value }).dryRun).toBe(expected);
  });
});

describe('loadConfig: checkout_completed, GA4 and TikTok', () => {
  it('enables Google for a shop with a purchase action and no won action', () => {
    const { GOOGLE_ADS_CONVERSION_ACTION_WON: _won, ...rest } = GOOGLE;
    const config = loadConfig({
      ...rest,
      GOOGLE_ADS_CONVERSION_ACTION_PURCHASE: '555',
      GOOGLE_ADS_MERCHANT_CENTER_ID: '123456789',
    });
    expect(config.googleAds).toMatchObject({
      conversionActionWon: undefined,
      conversionActionPurchase: '555',
      merchantCenterId: '123456789',
    });
  });

  it('enables GA4 and TikTok with their defaults; disabled and listed when their credentials are absent', () => {
    const config = loadConfig({
      GA4_MEASUREMENT_ID: 'G-ABC123',
      GA4_API_SECRET: 'secret',
      TIKTOK_PIXEL_CODE: 'C4ABCDEF',
      TIKTOK_ACCESS_TOKEN: 'token',
    });
    expect(config.ga4).toEqual({
      measurementId: 'G-ABC123',
      apiSecret: 'secret',
      baseUrl: 'https://www.google-analytics.com',
      leadClosedEvent: 'close_convert_lead',
      clientIdFallback: 'none',
    });
    expect(config.tiktok).toEqual({
      pixelCode: 'C4ABCDEF',
      crmEventSetId: undefined,
      accessToken: 'token',
      testEventCode: undefined,
      baseUrl: 'https://business-api.tiktok.com',
      purchaseEvent: 'Purchase',
      wonEvent: 'LeadClosed',
      lostEvent: 'LeadLost',
    });
    // Without a CRM Event Set ID, closes are off (never sent under the web pixel), said at start-up.
    expect(config.disabled).toContainEqual({
      name: 'tiktok-crm-events',
      missing: ['TIKTOK_CRM_EVENT_SET_ID'],
    });

    const none = loadConfig({ GA4_MEASUREMENT_ID: 'G-ABC123', TIKTOK_ACCESS_TOKEN: 'token' });
    expect(none.ga4).toBeUndefined();
    expect(none.tiktok).toBeUndefined();
    expect(none.disabled).toContainEqual({ name: 'ga4', missing: ['GA4_API_SECRET'] });
    expect(none.disabled).toContainEqual({ name: 'tiktok', missing: ['TIKTOK_PIXEL_CODE'] });
  });

  it.each([
    ['GA4_MEASUREMENT_ID', 'UA-1234-1'],
    ['GA4_LEAD_CLOSED_EVENT', 'won'],
    ['GA4_CLIENT_ID_FALLBACK', 'random'],
    ['TIKTOK_CRM_EVENT_SET_ID', 'not an id!'],
    ['TIKTOK_LOST_EVENT', 'lost deal'],
    ['TIKTOK_PURCHASE_EVENT', 'Order'],
    ['GOOGLE_ADS_CONVERSION_ACTION_PURCHASE', 'purchase-action'],
    ['GA4_BASE_URL', 'not a url'],
  ])('refuses %s=%s naming the variable', (name, value) => {
    expect(configError({ [name]: value }).variables).toEqual([name]);
  });
});
