import * as v from 'valibot';
import { ConfigurationError } from './errors';

/**
 * The one place that reads configuration names. Every name here is public (DESIGN.md's contract):
 * users, operators and tests rely on it. A wrong value fails start-up with the variable named; a
 * destination or CRM with absent credentials is disabled and listed in `disabled`.
 */
export type Env = Readonly<Record<string, string | undefined>>;

/** Pinned platform API versions: one constant per platform, overridable where DESIGN.md allows. */
export const API_VERSIONS = {
  googleAds: 'v26',
  /** Data Manager API (`/v1/events:ingest`); not configurable: there is one version. */
  dataManager: 'v1',
  meta: 'v26.0',
  salesforce: 'v68.0',
  hubspotCrm: 'v3',
  /** Associations moved to v4 (the v3 associations API is frozen); objects and pipelines stay on v3. */
  hubspotAssociations: 'v4',
  /** TikTok Events API 2.0 lives under the Business API's `/open_api/v1.3/`. */
  tiktok: 'v1.3',
} as const;

const blankToUndefined = v.transform((value: string | undefined) =>
  value === undefined || value.trim() === '' ? undefined : value.trim(),
);
// `undefinedable`, not `optional`: every key is present (see loadConfig), so the output keys stay required.
const optionalText = v.pipe(v.undefinedable(v.string()), blankToUndefined);
const httpUrl = (name: string) =>
  v.pipe(
    v.string(),
    v.trim(),
    v.url(`${name} must be an http(s) URL`),
    v.regex(/^https?:\/\//i, `${name} must be an http(s) URL`),
    v.transform((value) => value.replace(/\/+$/, '')),
  );
const optionalUrl = (name: string, fallback?: string) =>
  v.pipe(
    optionalText,
    v.union([v.undefined(), httpUrl(name)], `${name} must be an http(s) URL`),
    v.transform((value) => value ?? fallback),
  );
const booleanFlag = (name: string) =>
  v.pipe(
    optionalText,
    v.union(
      [v.undefined(), v.picklist(['true', 'false', '1', '0', 'yes', 'no'])],
      `${name} must be true or false`,
    ),
    v.transform((value) => value === 'true' || value === '1' || value === 'yes'),
  );
const positiveInteger = (name: string, fallback: number, max = Number.MAX_SAFE_INTEGER) =>
  v.pipe(
    optionalText,
    v.union([v.undefined(), v.pipe(v.string(), v.regex(/^\d+$/))], `${name} must be a whole number`),
    v.transform((value) => (value === undefined ? fallback : Number(value))),
    v.number(),
    v.minValue(1, `${name} must be at least 1`),
    v.maxValue(max, `${name} must be at most ${max}`),
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
const numericId = (name: string) =>
  v.pipe(
    optionalText,
    v.union([v.undefined(), v.pipe(v.string(), v.regex(/^\d+$/))], `${name} must be a numeric ID`),
  );
const currencyCode = (name: string) =>
  v.pipe(
    optionalText,
    v.transform((value) => value?.toUpperCase() ?? 'USD'),
    v.regex(/^[A-Z]{3}$/, `${name} must be an ISO 4217 code like USD`),
  );

const EnvSchema = v.object({
  PORT: positiveInteger('PORT', 3000, 65535),
  TABLE_NAME: v.pipe(
    optionalText,
    v.transform((value) => value ?? 'crm-conversions'),
    v.regex(/^[A-Za-z0-9_.-]{3,255}$/, 'TABLE_NAME must be a DynamoDB table name'),
  ),
  DYNAMODB_ENDPOINT: optionalUrl('DYNAMODB_ENDPOINT'),
  AWS_REGION: v.pipe(
    optionalText,
    v.transform((value) => value ?? 'us-east-1'),
  ),
  PUBLIC_BASE_URL: optionalUrl('PUBLIC_BASE_URL'),
  COLLECT_API_KEYS: v.pipe(
    optionalText,
    v.transform((value) =>
      (value ?? '')
        .split(',')
        .map((key) => key.trim())
        .filter((key) => key !== ''),
    ),
    v.check(
      (keys) => keys.every((key) => key.length >= 16),
      'COLLECT_API_KEYS: each key must be at least 16 characters',
    ),
  ),
  HUBSPOT_CLIENT_SECRET: optionalText,
  HUBSPOT_ACCESS_TOKEN: optionalText,
  HUBSPOT_API_BASE_URL: optionalUrl('HUBSPOT_API_BASE_URL', 'https://api.hubapi.com'),
  HUBSPOT_LEAD_ID_PROPERTY: v.pipe(
    optionalText,
    v.transform((value) => value ?? 'lead_id'),
    v.regex(/^[a-z0-9_]+$/i, 'HUBSPOT_LEAD_ID_PROPERTY must be a HubSpot property name'),
  ),
  SALESFORCE_ORG_ID: v.pipe(
    optionalText,
    v.union(
      [v.undefined(), v.pipe(v.string(), v.regex(/^00D[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$/))],
      'SALESFORCE_ORG_ID must be a 15- or 18-character organisation ID starting 00D',
    ),
  ),
  SALESFORCE_WEBHOOK_TOKEN: v.pipe(
    optionalText,
    v.union(
      [v.undefined(), v.pipe(v.string(), v.minLength(16))],
      'SALESFORCE_WEBHOOK_TOKEN must be at least 16 characters',
    ),
  ),
  SALESFORCE_INSTANCE_URL: optionalUrl('SALESFORCE_INSTANCE_URL'),
  SALESFORCE_ACCESS_TOKEN: optionalText,
  SALESFORCE_API_VERSION: v.pipe(
    optionalText,
    v.transform((value) => value ?? API_VERSIONS.salesforce),
    v.regex(/^v\d+\.\d$/, 'SALESFORCE_API_VERSION must look like v68.0'),
  ),
  SALESFORCE_LEAD_ID_FIELD: v.pipe(
    optionalText,
    v.transform((value) => value ?? 'Lead_ID__c'),
    v.regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'SALESFORCE_LEAD_ID_FIELD must be a field API name'),
  ),
  SALESFORCE_LOSS_REASON_FIELD: v.pipe(
    optionalText,
    v.transform((value) => value ?? 'Loss_Reason__c'),
    v.regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'SALESFORCE_LOSS_REASON_FIELD must be a field API name'),
  ),
  GOOGLE_ADS_CUSTOMER_ID: googleAccountId('GOOGLE_ADS_CUSTOMER_ID'),
  GOOGLE_ADS_LOGIN_CUSTOMER_ID: googleAccountId('GOOGLE_ADS_LOGIN_CUSTOMER_ID'),
  GOOGLE_ADS_CLIENT_ID: optionalText,
  GOOGLE_ADS_CLIENT_SECRET: optionalText,
  GOOGLE_ADS_REFRESH_TOKEN: optionalText,
  GOOGLE_ADS_CONVERSION_ACTION_WON: numericId('GOOGLE_ADS_CONVERSION_ACTION_WON'),
  GOOGLE_ADS_CONVERSION_ACTION_LOST: numericId('GOOGLE_ADS_CONVERSION_ACTION_LOST'),
  GOOGLE_ADS_CONVERSION_ACTION_PURCHASE: numericId('GOOGLE_ADS_CONVERSION_ACTION_PURCHASE'),
  GOOGLE_ADS_MERCHANT_CENTER_ID: numericId('GOOGLE_ADS_MERCHANT_CENTER_ID'),
  GOOGLE_ADS_UPLOAD_API: v.pipe(
    optionalText,
    v.transform((value) => value?.toLowerCase() ?? 'datamanager'),
    v.picklist(['datamanager', 'ads'], 'GOOGLE_ADS_UPLOAD_API must be datamanager or ads'),
  ),
  GOOGLE_ADS_API_VERSION: v.pipe(
    optionalText,
    v.transform((value) => value ?? API_VERSIONS.googleAds),
    v.regex(/^v\d+$/, 'GOOGLE_ADS_API_VERSION must look like v26'),
  ),
  GOOGLE_DATAMANAGER_BASE_URL: optionalUrl(
    'GOOGLE_DATAMANAGER_BASE_URL',
    'https://datamanager.googleapis.com',
  ),
  GOOGLE_ADS_API_BASE_URL: optionalUrl('GOOGLE_ADS_API_BASE_URL', 'https://googleads.googleapis.com'),
  GOOGLE_OAUTH_TOKEN_URL: optionalUrl('GOOGLE_OAUTH_TOKEN_URL', 'https://oauth2.googleapis.com/token'),
  GOOGLE_ADS_DEVELOPER_TOKEN: optionalText,
  META_PIXEL_ID: numericId('META_PIXEL_ID'),
  META_ACCESS_TOKEN: optionalText,
  META_TEST_EVENT_CODE: optionalText,
  META_EVENT_NAMING: v.pipe(
    optionalText,
    v.transform((value) => value?.toLowerCase() ?? 'single'),
    v.picklist(['single', 'outcome'], 'META_EVENT_NAMING must be single or outcome'),
  ),
  META_GRAPH_BASE_URL: optionalUrl('META_GRAPH_BASE_URL', 'https://graph.facebook.com'),
  META_API_VERSION: v.pipe(
    optionalText,
    v.transform((value) => value ?? API_VERSIONS.meta),
    v.regex(/^v\d+\.\d+$/, 'META_API_VERSION must look like v26.0'),
  ),
  GA4_MEASUREMENT_ID: v.pipe(
    optionalText,
    v.union(
      [v.undefined(), v.pipe(v.string(), v.regex(/^G-[A-Z0-9]+$/))],
      'GA4_MEASUREMENT_ID must be a web stream measurement ID like G-XXXXXXXXXX',
    ),
  ),
  GA4_API_SECRET: optionalText,
  GA4_BASE_URL: optionalUrl('GA4_BASE_URL', 'https://www.google-analytics.com'),
  GA4_LEAD_CLOSED_EVENT: v.pipe(
    optionalText,
    v.transform((value) => value?.toLowerCase() ?? 'close_convert_lead'),
    v.picklist(
      ['close_convert_lead', 'lead_closed'],
      'GA4_LEAD_CLOSED_EVENT must be close_convert_lead or lead_closed',
    ),
  ),
  TIKTOK_PIXEL_CODE: v.pipe(
    optionalText,
    v.union(
      [v.undefined(), v.pipe(v.string(), v.regex(/^[A-Z0-9]+$/i))],
      'TIKTOK_PIXEL_CODE must be a pixel code (letters and digits)',
    ),
  ),
  TIKTOK_ACCESS_TOKEN: optionalText,
  TIKTOK_TEST_EVENT_CODE: optionalText,
  TIKTOK_BASE_URL: optionalUrl('TIKTOK_BASE_URL', 'https://business-api.tiktok.com'),
  TIKTOK_PURCHASE_EVENT: v.pipe(
    optionalText,
    v.transform((value) => value ?? 'Purchase'),
    v.picklist(['Purchase', 'CompletePayment'], 'TIKTOK_PURCHASE_EVENT must be Purchase or CompletePayment'),
  ),
  DRY_RUN: booleanFlag('DRY_RUN'),
  DEFAULT_CURRENCY: currencyCode('DEFAULT_CURRENCY'),
  CLOSURE_REASON_MAP: v.pipe(
    optionalText,
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      if (dataset.value === undefined) return {} as Record<string, string>;
      try {
        const parsed: unknown = JSON.parse(dataset.value);
        if (
          typeof parsed === 'object' &&
          parsed !== null &&
          !Array.isArray(parsed) &&
          Object.values(parsed).every((reason) => typeof reason === 'string')
        ) {
          return parsed as Record<string, string>;
        }
      } catch {
        // reported below
      }
      addIssue({ message: 'CLOSURE_REASON_MAP must be a JSON object of CRM value → closure_reason strings' });
      return NEVER;
    }),
  ),
  LEAD_WAIT_HOURS: positiveInteger('LEAD_WAIT_HOURS', 72, 24 * 90),
  LEAD_RETENTION_DAYS: positiveInteger('LEAD_RETENTION_DAYS', 180, 3650),
  INLINE_DISPATCH_BUDGET_MS: positiveInteger('INLINE_DISPATCH_BUDGET_MS', 2500, 60_000),
});

type ParsedEnv = v.InferOutput<typeof EnvSchema>;

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
};

export type MetaConfig = {
  pixelId: string;
  accessToken: string;
  testEventCode: string | undefined;
  eventNaming: 'single' | 'outcome';
  graphBaseUrl: string;
  apiVersion: string;
};

export type Ga4Config = {
  measurementId: string;
  apiSecret: string;
  baseUrl: string;
  /** `close_convert_lead` (won; lost deals as `close_unconvert_lead`) or one `lead_closed` event. */
  leadClosedEvent: 'close_convert_lead' | 'lead_closed';
};

export type TiktokConfig = {
  pixelCode: string;
  accessToken: string;
  testEventCode: string | undefined;
  baseUrl: string;
  purchaseEvent: 'Purchase' | 'CompletePayment';
};

export type HubspotConfig = {
  /** Verifies webhook signatures; without it the webhook route refuses every call. */
  clientSecret: string | undefined;
  /** Private-app token for enrichment and polling; without it, only what the webhook carries is used. */
  accessToken: string | undefined;
  apiBaseUrl: string;
  leadIdProperty: string;
};

export type SalesforceConfig = {
  orgId: string | undefined;
  webhookToken: string | undefined;
  instanceUrl: string | undefined;
  accessToken: string | undefined;
  apiVersion: string;
  leadIdField: string;
  lossReasonField: string;
};

/** A capability switched off for want of configuration, reported once at start-up. */
export type DisabledCapability = { name: string; missing: string[] };

export type Config = {
  port: number;
  tableName: string;
  dynamodbEndpoint: string | undefined;
  awsRegion: string;
  publicBaseUrl: string | undefined;
  collect: { apiKeys: string[] };
  hubspot: HubspotConfig;
  salesforce: SalesforceConfig;
  googleAds: GoogleAdsConfig | undefined;
  meta: MetaConfig | undefined;
  ga4: Ga4Config | undefined;
  tiktok: TiktokConfig | undefined;
  dryRun: boolean;
  defaultCurrency: string;
  closureReasonMap: Readonly<Record<string, string>>;
  leadWaitMs: number;
  leadRetentionDays: number;
  inlineDispatchBudgetMs: number;
  disabled: DisabledCapability[];
};

function missingNames(values: Record<string, string | undefined>): string[] {
  return Object.entries(values)
    .filter(([, value]) => value === undefined)
    .map(([name]) => name);
}

function buildGoogleAds(env: ParsedEnv, disabled: DisabledCapability[]): GoogleAdsConfig | undefined {
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
    dataManagerBaseUrl: env.GOOGLE_DATAMANAGER_BASE_URL as string,
    adsApiBaseUrl: env.GOOGLE_ADS_API_BASE_URL as string,
    oauthTokenUrl: env.GOOGLE_OAUTH_TOKEN_URL as string,
    developerToken: env.GOOGLE_ADS_DEVELOPER_TOKEN,
  };
}

function buildMeta(env: ParsedEnv, disabled: DisabledCapability[]): MetaConfig | undefined {
  const missing = missingNames({
    META_PIXEL_ID: env.META_PIXEL_ID,
    META_ACCESS_TOKEN: env.META_ACCESS_TOKEN,
  });
  if (missing.length > 0) {
    disabled.push({ name: 'meta', missing });
    return undefined;
  }
  return {
    pixelId: env.META_PIXEL_ID as string,
    accessToken: env.META_ACCESS_TOKEN as string,
    testEventCode: env.META_TEST_EVENT_CODE,
    eventNaming: env.META_EVENT_NAMING,
    graphBaseUrl: env.META_GRAPH_BASE_URL as string,
    apiVersion: env.META_API_VERSION,
  };
}

function buildGa4(env: ParsedEnv, disabled: DisabledCapability[]): Ga4Config | undefined {
  const missing = missingNames({
    GA4_MEASUREMENT_ID: env.GA4_MEASUREMENT_ID,
    GA4_API_SECRET: env.GA4_API_SECRET,
  });
  if (missing.length > 0) {
    disabled.push({ name: 'ga4', missing });
    return undefined;
  }
  return {
    measurementId: env.GA4_MEASUREMENT_ID as string,
    apiSecret: env.GA4_API_SECRET as string,
    baseUrl: env.GA4_BASE_URL as string,
    leadClosedEvent: env.GA4_LEAD_CLOSED_EVENT,
  };
}

function buildTiktok(env: ParsedEnv, disabled: DisabledCapability[]): TiktokConfig | undefined {
  const missing = missingNames({
    TIKTOK_PIXEL_CODE: env.TIKTOK_PIXEL_CODE,
    TIKTOK_ACCESS_TOKEN: env.TIKTOK_ACCESS_TOKEN,
  });
  if (missing.length > 0) {
    disabled.push({ name: 'tiktok', missing });
    return undefined;
  }
  return {
    pixelCode: env.TIKTOK_PIXEL_CODE as string,
    accessToken: env.TIKTOK_ACCESS_TOKEN as string,
    testEventCode: env.TIKTOK_TEST_EVENT_CODE,
    baseUrl: env.TIKTOK_BASE_URL as string,
    purchaseEvent: env.TIKTOK_PURCHASE_EVENT,
  };
}

function reportCrmGaps(env: ParsedEnv, disabled: DisabledCapability[]): void {
  const gaps: [string, Record<string, string | undefined>][] = [
    ['collect', { COLLECT_API_KEYS: env.COLLECT_API_KEYS.length > 0 ? 'set' : undefined }],
    ['hubspot-webhook', { HUBSPOT_CLIENT_SECRET: env.HUBSPOT_CLIENT_SECRET }],
    ['hubspot-api', { HUBSPOT_ACCESS_TOKEN: env.HUBSPOT_ACCESS_TOKEN }],
    [
      'salesforce-webhook',
      { SALESFORCE_ORG_ID: env.SALESFORCE_ORG_ID, SALESFORCE_WEBHOOK_TOKEN: env.SALESFORCE_WEBHOOK_TOKEN },
    ],
    [
      'salesforce-api',
      {
        SALESFORCE_INSTANCE_URL: env.SALESFORCE_INSTANCE_URL,
        SALESFORCE_ACCESS_TOKEN: env.SALESFORCE_ACCESS_TOKEN,
      },
    ],
  ];
  for (const [name, values] of gaps) {
    const missing = missingNames(values);
    if (missing.length > 0) disabled.push({ name, missing });
  }
}

/** Builds and validates the configuration; throws a ConfigurationError naming every bad variable. */
export function loadConfig(env: Env): Config {
  const input = Object.fromEntries(Object.keys(EnvSchema.entries).map((name) => [name, env[name]]));
  const result = v.safeParse(EnvSchema, input, { abortEarly: false });
  if (!result.success) {
    const variables = [...new Set(result.issues.map((issue) => String(issue.path?.[0]?.key ?? '?')))];
    const messages = [
      ...new Set(
        result.issues.map((issue) => {
          const variable = String(issue.path?.[0]?.key ?? '?');
          return issue.message.includes(variable) ? issue.message : `${variable}: ${issue.message}`;
        }),
      ),
    ];
    throw new ConfigurationError(`Invalid configuration: ${messages.join('; ')}`, variables);
  }
  const parsed = result.output;
  const disabled: DisabledCapability[] = [];
  const googleAds = buildGoogleAds(parsed, disabled);
  const meta = buildMeta(parsed, disabled);
  const ga4 = buildGa4(parsed, disabled);
  const tiktok = buildTiktok(parsed, disabled);
  reportCrmGaps(parsed, disabled);
  return {
    port: parsed.PORT,
    tableName: parsed.TABLE_NAME,
    dynamodbEndpoint: parsed.DYNAMODB_ENDPOINT,
    awsRegion: parsed.AWS_REGION,
    publicBaseUrl: parsed.PUBLIC_BASE_URL,
    collect: { apiKeys: parsed.COLLECT_API_KEYS },
    hubspot: {
      clientSecret: parsed.HUBSPOT_CLIENT_SECRET,
      accessToken: parsed.HUBSPOT_ACCESS_TOKEN,
      apiBaseUrl: parsed.HUBSPOT_API_BASE_URL as string,
      leadIdProperty: parsed.HUBSPOT_LEAD_ID_PROPERTY,
    },
    salesforce: {
      orgId: parsed.SALESFORCE_ORG_ID,
      webhookToken: parsed.SALESFORCE_WEBHOOK_TOKEN,
      instanceUrl: parsed.SALESFORCE_INSTANCE_URL,
      accessToken: parsed.SALESFORCE_ACCESS_TOKEN,
      apiVersion: parsed.SALESFORCE_API_VERSION,
      leadIdField: parsed.SALESFORCE_LEAD_ID_FIELD,
      lossReasonField: parsed.SALESFORCE_LOSS_REASON_FIELD,
    },
    googleAds,
    meta,
    ga4,
    tiktok,
    dryRun: parsed.DRY_RUN,
    defaultCurrency: parsed.DEFAULT_CURRENCY,
    closureReasonMap: parsed.CLOSURE_REASON_MAP,
    leadWaitMs: parsed.LEAD_WAIT_HOURS * 3_600_000,
    leadRetentionDays: parsed.LEAD_RETENTION_DAYS,
    inlineDispatchBudgetMs: parsed.INLINE_DISPATCH_BUDGET_MS,
    disabled,
  };
}
