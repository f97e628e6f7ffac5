import { createGoogleAdsFake, type GoogleAdsFake } from './fakes/google-ads';
import { createDataManagerFake, type DataManagerFake } from './fakes/google-datamanager';
import { createGoogleOAuthFake, type GoogleOAuthFake, TEST_GOOGLE_CLIENT } from './fakes/google-oauth';
import { createMetaFake, type MetaFake } from './fakes/meta';

/** The test accounts the fakes know, and the env that points the connector at them. */
export const ACCOUNTS = {
  customerId: '1234567890',
  loginCustomerId: '9876543210',
  won: '111111',
  lost: '222222',
  pixelId: '1234567890123456',
  metaToken: 'EAAtest-meta-access-token',
} as const;

export type Platforms = {
  oauth: GoogleOAuthFake;
  dataManager: DataManagerFake;
  ads: GoogleAdsFake;
  meta: MetaFake;
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
}): Promise<Platforms> {
  const oauth = await createGoogleOAuthFake();
  const loginCustomerId = options.loginCustomerId ? ACCOUNTS.loginCustomerId : undefined;
  const dataManager = await createDataManagerFake({
    oauth,
    customerId: ACCOUNTS.customerId,
    ...(loginCustomerId ? { loginCustomerId } : {}),
    productDestinationIds: [ACCOUNTS.won, ACCOUNTS.lost],
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
  const env: Record<string, string> = {
    GOOGLE_ADS_CUSTOMER_ID: ACCOUNTS.customerId,
    GOOGLE_ADS_CLIENT_ID: TEST_GOOGLE_CLIENT.clientId,
    GOOGLE_ADS_CLIENT_SECRET: TEST_GOOGLE_CLIENT.clientSecret,
    GOOGLE_ADS_REFRESH_TOKEN: TEST_GOOGLE_CLIENT.refreshToken,
    GOOGLE_ADS_CONVERSION_ACTION_WON: ACCOUNTS.won,
    GOOGLE_ADS_UPLOAD_API: options.uploadApi ?? 'datamanager',
    GOOGLE_DATAMANAGER_BASE_URL: dataManager.url,
    GOOGLE_ADS_API_BASE_URL: ads.url,
    GOOGLE_OAUTH_TOKEN_URL: oauth.tokenUrl,
    META_PIXEL_ID: ACCOUNTS.pixelId,
    META_ACCESS_TOKEN: ACCOUNTS.metaToken,
    META_GRAPH_BASE_URL: meta.url,
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
    env,
    violations: () => [...oauth.violations, ...dataManager.violations, ...ads.violations, ...meta.violations],
    async close() {
      await Promise.all([oauth.close(), dataManager.close(), ads.close(), meta.close()]);
    },
  };
}
