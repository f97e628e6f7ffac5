import { createGa4Fake, type Ga4Fake } from './fakes/ga4';
import { createGoogleAdsFake, type GoogleAdsFake } from './fakes/google-ads';
import { createDataManagerFake, type DataManagerFake } from './fakes/google-datamanager';
import { createGoogleOAuthFake, type GoogleOAuthFake, TEST_GOOGLE_CLIENT } from './fakes/google-oauth';
import { createMetaFake, type MetaFake } from './fakes/meta';
import { createTiktokFake, type TiktokFake } from './fakes/tiktok';

/** The test accounts the fakes know, and the env that points the connector at them. */
export const ACCOUNTS = {
  customerId: '1234567890',
  loginCustomerId: '9876543210',
  won: '111111',
  lost: '222222',
  pixelId: '1234567890123456',
  metaToken: 'EAAtest-meta-access-token',
  purchase: '333333',
  merchantCenterId: '7654321',
  ga4MeasurementId: 'G-TEST123',
  ga4ApiSecret: 'ga4-test-api-secret',
  tiktokPixel: 'CTESTPIXEL123',
  tiktokCrmEventSet: 'CTESTCRMSET456',
  tiktokToken: 'tiktok-test-access-token',
  /** Conversion actions of funnel stages (CONVERSION_STAGES' google.conversionAction). */
  stageQualified: '777000111',
  stageProposal: '777000222',
} as const;

export type Platforms = {
  oauth: GoogleOAuthFake;
  dataManager: DataManagerFake;
  ads: GoogleAdsFake;
  meta: MetaFake;
  ga4: Ga4Fake;
  tiktok: TiktokFake;
  /**
   * The env pointing the connector at the fakes. GA4, TikTok and the purchase action are in it only when
   * asked for (`extended`), so tests written for Google and Meta alone keep their exact expectations.
   */
  env: Record<string, string>;
  /** Every contract violation any fake saw. */
  violations(): string[];
  close(): Promise<void>;
};

export async function startPlatforms(options: {
  now: () => number;
  loginCustomerId?: boolean;
  developerToken?: string;
  testEventCode?: string;
  lostAction?: boolean;
  uploadApi?: 'datamanager' | 'ads';
  /** Also GA4, TikTok, the Google purchase action and a Merchant Center ID. */
  extended?: boolean;
  tiktokTestEventCode?: string;
}): Promise<Platforms> {
  const oauth = await createGoogleOAuthFake();
  const loginCustomerId = options.loginCustomerId ? ACCOUNTS.loginCustomerId : undefined;
  const dataManager = await createDataManagerFake({
    oauth,
    customerId: ACCOUNTS.customerId,
    ...(loginCustomerId ? { loginCustomerId } : {}),
    productDestinationIds: [
      ACCOUNTS.won,
      ACCOUNTS.lost,
      ACCOUNTS.purchase,
      ACCOUNTS.stageQualified,
      ACCOUNTS.stageProposal,
    ],
  });
  const ads = await createGoogleAdsFake({
    oauth,
    customerId: ACCOUNTS.customerId,
    ...(loginCustomerId ? { loginCustomerId } : {}),
    ...(options.developerToken ? { developerToken: options.developerToken } : {}),
  });
  const meta = await createMetaFake({
    pixelId: ACCOUNTS.pixelId,
    accessToken: ACCOUNTS.metaToken,
    now: options.now,
    ...(options.testEventCode ? { testEventCode: options.testEventCode } : {}),
  });
  const ga4 = await createGa4Fake({
    measurementId: ACCOUNTS.ga4MeasurementId,
    apiSecret: ACCOUNTS.ga4ApiSecret,
    now: options.now,
  });
  const tiktok = await createTiktokFake({
    pixelCode: ACCOUNTS.tiktokPixel,
    crmEventSetId: ACCOUNTS.tiktokCrmEventSet,
    accessToken: ACCOUNTS.tiktokToken,
    now: options.now,
    ...(options.tiktokTestEventCode ? { testEventCode: options.tiktokTestEventCode } : {}),
  });
  const extended: Record<string, string> = options.extended
    ? {
        GOOGLE_ADS_CONVERSION_ACTION_PURCHASE: ACCOUNTS.purchase,
        GOOGLE_ADS_MERCHANT_CENTER_ID: ACCOUNTS.merchantCenterId,
        GA4_MEASUREMENT_ID: ACCOUNTS.ga4MeasurementId,
        GA4_API_SECRET: ACCOUNTS.ga4ApiSecret,
        GA4_BASE_URL: ga4.baseUrl,
        TIKTOK_PIXEL_CODE: ACCOUNTS.tiktokPixel,
        TIKTOK_CRM_EVENT_SET_ID: ACCOUNTS.tiktokCrmEventSet,
        TIKTOK_ACCESS_TOKEN: ACCOUNTS.tiktokToken,
        TIKTOK_BASE_URL: tiktok.baseUrl,
        ...(options.tiktokTestEventCode ? { TIKTOK_TEST_EVENT_CODE: options.tiktokTestEventCode } : {}),
      }
    : {};
  const env: Record<string, string> = {
    ...extended,
    GOOGLE_ADS_CUSTOMER_ID: ACCOUNTS.customerId,
    GOOGLE_ADS_CLIENT_ID: TEST_GOOGLE_CLIENT.clientId,
    GOOGLE_ADS_CLIENT_SECRET: TEST_GOOGLE_CLIENT.clientSecret,
    GOOGLE_ADS_REFRESH_TOKEN: TEST_GOOGLE_CLIENT.refreshToken,
    GOOGLE_ADS_CONVERSION_ACTION_WON: ACCOUNTS.won,
    GOOGLE_ADS_UPLOAD_API: options.uploadApi ?? 'datamanager',
    GOOGLE_DATAMANAGER_BASE_URL: dataManager.baseUrl,
    GOOGLE_ADS_API_BASE_URL: ads.baseUrl,
    GOOGLE_OAUTH_TOKEN_URL: oauth.tokenUrl,
    META_PIXEL_ID: ACCOUNTS.pixelId,
    META_ACCESS_TOKEN: ACCOUNTS.metaToken,
    META_GRAPH_BASE_URL: meta.baseUrl,
    ...(options.lostAction === false ? {} : { GOOGLE_ADS_CONVERSION_ACTION_LOST: ACCOUNTS.lost }),
    ...(loginCustomerId ? { GOOGLE_ADS_LOGIN_CUSTOMER_ID: loginCustomerId } : {}),
    ...(options.developerToken ? { GOOGLE_ADS_DEVELOPER_TOKEN: options.developerToken } : {}),
    ...(options.testEventCode ? { META_TEST_EVENT_CODE: options.testEventCode } : {}),
  };
  return {
    oauth,
    dataManager,
    ads,
    meta,
    ga4,
    tiktok,
    env,
    violations: () => [
      ...oauth.violations,
      ...dataManager.violations,
      ...ads.violations,
      ...meta.violations,
      ...ga4.violations,
      ...tiktok.violations,
    ],
    async close() {
      await Promise.all([
        oauth.close(),
        dataManager.close(),
        ads.close(),
        meta.close(),
        ga4.close(),
        tiktok.close(),
      ]);
    },
  };
}
