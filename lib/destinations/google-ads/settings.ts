import * as v from 'valibot';
import {
  choiceWithDefault,
  defineSettings,
  missingNames,
  numericId,
  optionalText,
  optionalUrl,
  positiveInteger,
  textWithDefault,
} from '../../settings';
import { DEFAULT_CLICK_WINDOW_DAYS } from './rules';
import { GOOGLE_ADS_API_VERSION } from './version';

export type GoogleAdsConfig = {
  customerId: string;
  loginCustomerId: string | undefined;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  /** At least one of won and purchase is set (a CRM-only or a shop-only deployment needs just its own). */
  conversionActionWon: string | undefined;
  conversionActionLost: string | undefined;
  conversionActionPurchase: string | undefined;
  /** Merchant Center of the products in orders' cart data. */
  merchantCenterId: string | undefined;
  uploadApi: 'datamanager' | 'ads';
  apiVersion: string;
  dataManagerBaseUrl: string;
  adsApiBaseUrl: string;
  oauthTokenUrl: string;
  developerToken: string | undefined;
  /** The conversion actions' click-through window in days (≤ 90), from the click to the conversion. */
  clickWindowDays: number;
  /** GOOGLE_STATUS_CHECK_MINUTES: how long after a Data Manager upload its processing result is asked for. */
  statusCheckMinutes: number;
};

/** Google: ask for a request's processing result no sooner than ~30 minutes after it (diagnostics guide). */
export const DEFAULT_STATUS_CHECK_MINUTES = 30;

/** 0 is allowed (at the next backfill run); a week at most. */
const statusCheckMinutes = v.pipe(
  optionalText,
  v.union(
    [v.undefined(), v.pipe(v.string(), v.regex(/^\d+$/))],
    'GOOGLE_STATUS_CHECK_MINUTES must be a whole number of minutes',
  ),
  v.transform((value) => (value === undefined ? DEFAULT_STATUS_CHECK_MINUTES : Number(value))),
  v.number(),
  v.maxValue(7 * 24 * 60, 'GOOGLE_STATUS_CHECK_MINUTES must be at most 10080 (a week)'),
);

/** Google Ads account IDs are written `123-456-7890` in the UI and sent as digits. */
const googleAccountId = (name: string) =>
  v.pipe(
    optionalText,
    v.transform((value) => value?.replace(/-/g, '')),
    v.union(
      [v.undefined(), v.pipe(v.string(), v.regex(/^\d{10}$/))],
      `${name} must be a 10-digit account ID`,
    ),
  );

export const googleAdsSettings = defineSettings({
  key: 'googleAds',
  entries: {
    GOOGLE_ADS_CUSTOMER_ID: googleAccountId('GOOGLE_ADS_CUSTOMER_ID'),
    GOOGLE_ADS_LOGIN_CUSTOMER_ID: googleAccountId('GOOGLE_ADS_LOGIN_CUSTOMER_ID'),
    GOOGLE_ADS_CLIENT_ID: optionalText,
    GOOGLE_ADS_CLIENT_SECRET: optionalText,
    GOOGLE_ADS_REFRESH_TOKEN: optionalText,
    GOOGLE_ADS_CONVERSION_ACTION_WON: numericId('GOOGLE_ADS_CONVERSION_ACTION_WON'),
    GOOGLE_ADS_CONVERSION_ACTION_LOST: numericId('GOOGLE_ADS_CONVERSION_ACTION_LOST'),
    GOOGLE_ADS_CONVERSION_ACTION_PURCHASE: numericId('GOOGLE_ADS_CONVERSION_ACTION_PURCHASE'),
    GOOGLE_ADS_MERCHANT_CENTER_ID: numericId('GOOGLE_ADS_MERCHANT_CENTER_ID'),
    GOOGLE_ADS_UPLOAD_API: choiceWithDefault(
      ['datamanager', 'ads'],
      'datamanager',
      'GOOGLE_ADS_UPLOAD_API must be datamanager or ads',
      (value) => value.toLowerCase(),
    ),
    GOOGLE_ADS_API_VERSION: textWithDefault(
      GOOGLE_ADS_API_VERSION,
      /^v\d+$/,
      'GOOGLE_ADS_API_VERSION must look like v26',
    ),
    GOOGLE_DATAMANAGER_BASE_URL: optionalUrl(
      'GOOGLE_DATAMANAGER_BASE_URL',
      'https://datamanager.googleapis.com',
    ),
    GOOGLE_ADS_API_BASE_URL: optionalUrl('GOOGLE_ADS_API_BASE_URL', 'https://googleads.googleapis.com'),
    GOOGLE_OAUTH_TOKEN_URL: optionalUrl('GOOGLE_OAUTH_TOKEN_URL', 'https://oauth2.googleapis.com/token'),
    GOOGLE_ADS_DEVELOPER_TOKEN: optionalText,
    GOOGLE_ADS_CLICK_WINDOW_DAYS: positiveInteger(
      'GOOGLE_ADS_CLICK_WINDOW_DAYS',
      DEFAULT_CLICK_WINDOW_DAYS,
      DEFAULT_CLICK_WINDOW_DAYS,
    ),
    GOOGLE_STATUS_CHECK_MINUTES: statusCheckMinutes,
  },
  build(env, disabled): GoogleAdsConfig | undefined {
    const required = {
      GOOGLE_ADS_CUSTOMER_ID: env.GOOGLE_ADS_CUSTOMER_ID,
      GOOGLE_ADS_CLIENT_ID: env.GOOGLE_ADS_CLIENT_ID,
      GOOGLE_ADS_CLIENT_SECRET: env.GOOGLE_ADS_CLIENT_SECRET,
      GOOGLE_ADS_REFRESH_TOKEN: env.GOOGLE_ADS_REFRESH_TOKEN,
      // Either action makes Google useful: won deals (CRM) or orders (checkout_completed).
      GOOGLE_ADS_CONVERSION_ACTION_WON:
        env.GOOGLE_ADS_CONVERSION_ACTION_WON ?? env.GOOGLE_ADS_CONVERSION_ACTION_PURCHASE,
    };
    const missing = missingNames(required).map((name) =>
      name === 'GOOGLE_ADS_CONVERSION_ACTION_WON'
        ? 'GOOGLE_ADS_CONVERSION_ACTION_WON or GOOGLE_ADS_CONVERSION_ACTION_PURCHASE'
        : name,
    );
    if (missing.length > 0) {
      disabled.push({ name: 'google-ads', missing });
      return undefined;
    }
    return {
      customerId: required.GOOGLE_ADS_CUSTOMER_ID as string,
      loginCustomerId: env.GOOGLE_ADS_LOGIN_CUSTOMER_ID,
      clientId: required.GOOGLE_ADS_CLIENT_ID as string,
      clientSecret: required.GOOGLE_ADS_CLIENT_SECRET as string,
      refreshToken: required.GOOGLE_ADS_REFRESH_TOKEN as string,
      conversionActionWon: env.GOOGLE_ADS_CONVERSION_ACTION_WON,
      conversionActionLost: env.GOOGLE_ADS_CONVERSION_ACTION_LOST,
      conversionActionPurchase: env.GOOGLE_ADS_CONVERSION_ACTION_PURCHASE,
      merchantCenterId: env.GOOGLE_ADS_MERCHANT_CENTER_ID,
      uploadApi: env.GOOGLE_ADS_UPLOAD_API,
      apiVersion: env.GOOGLE_ADS_API_VERSION,
      dataManagerBaseUrl: env.GOOGLE_DATAMANAGER_BASE_URL,
      adsApiBaseUrl: env.GOOGLE_ADS_API_BASE_URL,
      oauthTokenUrl: env.GOOGLE_OAUTH_TOKEN_URL,
      developerToken: env.GOOGLE_ADS_DEVELOPER_TOKEN,
      clickWindowDays: env.GOOGLE_ADS_CLICK_WINDOW_DAYS,
      statusCheckMinutes: env.GOOGLE_STATUS_CHECK_MINUTES,
    };
  },
});
