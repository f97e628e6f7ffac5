import { isSupportedCountry } from 'libphonenumber-js/min';
import * as v from 'valibot';
import { conversionStagesSetting } from './conversion-stages';
import { CRM_SETTINGS, type CrmConfigs } from './crm/registry';
import { DESTINATIONS, type DestinationConfigs } from './destinations/registry';
import type { StageDefinition } from './domain';
import { isIsoCurrency } from './domain/money';
import { ConfigurationError } from './errors';
import {
  type AnySettingsSlice,
  booleanFlag,
  buildSlices,
  type DisabledCapability,
  defineSettings,
  optionalText,
  optionalUrl,
  positiveInteger,
  requireAll,
  textWithDefault,
} from './settings';

/**
 * The one place that reads configuration names: it composes the settings slices (the service's and the
 * pipeline's below, each CRM's `settings.ts`, each destination's from lib/destinations/registry.ts) into
 * one schema, so a start-up with bad values fails once, naming every bad variable. Every name is public
 * (DESIGN.md's contract): users, operators and tests rely on it. A destination or CRM with absent
 * credentials is disabled and listed in `disabled`.
 */
export type Env = Readonly<Record<string, string | undefined>>;

/** Where the service runs and who may call it. */
const serviceSettings = defineSettings({
  key: 'service',
  entries: {
    PORT: positiveInteger('PORT', 3000, 65535),
    DASHBOARD_PORT: positiveInteger('DASHBOARD_PORT', 3100, 65535),
    TABLE_NAME: textWithDefault(
      'crm-conversions',
      /^[A-Za-z0-9_.-]{3,255}$/,
      'TABLE_NAME must be a DynamoDB table name',
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
  },
  build(env, disabled) {
    requireAll(
      'collect',
      { COLLECT_API_KEYS: env.COLLECT_API_KEYS.length > 0 ? 'set' : undefined },
      disabled,
    );
    return {
      port: env.PORT,
      dashboardPort: env.DASHBOARD_PORT,
      tableName: env.TABLE_NAME,
      dynamodbEndpoint: env.DYNAMODB_ENDPOINT,
      awsRegion: env.AWS_REGION,
      publicBaseUrl: env.PUBLIC_BASE_URL,
      collect: { apiKeys: env.COLLECT_API_KEYS },
    };
  },
});

const closureReasonMap = v.pipe(
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
);

/** How closes and orders become deliveries, whatever the CRM and the destination. */
const pipelineSettings = defineSettings({
  key: 'pipeline',
  entries: {
    DRY_RUN: booleanFlag('DRY_RUN'),
    DEFAULT_CURRENCY: v.pipe(
      optionalText,
      v.transform((value) => value?.toUpperCase() ?? 'USD'),
      v.check(isIsoCurrency, 'DEFAULT_CURRENCY must be an ISO 4217 code like USD'),
    ),
    CLOSURE_REASON_MAP: closureReasonMap,
    LEAD_WAIT_HOURS: positiveInteger('LEAD_WAIT_HOURS', 72, 24 * 90),
    LEAD_RETENTION_DAYS: positiveInteger('LEAD_RETENTION_DAYS', 180, 3650),
    INLINE_DISPATCH_BUDGET_MS: positiveInteger('INLINE_DISPATCH_BUDGET_MS', 2500, 60_000),
    DEFAULT_PHONE_COUNTRY: v.pipe(
      optionalText,
      v.transform((value) => value?.toUpperCase()),
      v.check(
        (value) => value === undefined || (/^[A-Z]{2}$/.test(value) && isSupportedCountry(value)),
        'DEFAULT_PHONE_COUNTRY must be an ISO 3166-1 alpha-2 country code like DE',
      ),
    ),
    CONVERSION_STAGES: conversionStagesSetting,
  },
  build(env) {
    return {
      dryRun: env.DRY_RUN,
      defaultCurrency: env.DEFAULT_CURRENCY,
      closureReasonMap: env.CLOSURE_REASON_MAP as Readonly<Record<string, string>>,
      leadWaitMs: env.LEAD_WAIT_HOURS * 3_600_000,
      leadRetentionDays: env.LEAD_RETENTION_DAYS,
      inlineDispatchBudgetMs: env.INLINE_DISPATCH_BUDGET_MS,
      /** The country national phone numbers are read in when a lead, contact or buyer names none. */
      defaultPhoneCountry: env.DEFAULT_PHONE_COUNTRY,
      /** Funnel stages in funnel order (empty: closes only). */
      conversionStages: env.CONVERSION_STAGES as readonly StageDefinition[],
    };
  },
});

const DESTINATION_SETTINGS = DESTINATIONS.map((destination) => destination.settings);

type ServiceConfig = ReturnType<typeof serviceSettings.build>;
type PipelineConfig = ReturnType<typeof pipelineSettings.build>;

export type Config = ServiceConfig &
  PipelineConfig &
  CrmConfigs &
  DestinationConfigs & {
    disabled: DisabledCapability[];
  };

/**
 * One schema of every slice's variables. The order is the order in which a bad start-up names them:
 * where the service runs, then the CRMs, then the destinations, then the pipeline.
 */
const SLICES: readonly AnySettingsSlice[] = [
  serviceSettings,
  ...CRM_SETTINGS,
  ...DESTINATION_SETTINGS,
  pipelineSettings,
];
const EnvSchema = v.object(Object.assign({}, ...SLICES.map((slice) => slice.entries)) as v.ObjectEntries);

function configurationError(issues: readonly v.BaseIssue<unknown>[]): ConfigurationError {
  const variables = [...new Set(issues.map((issue) => String(issue.path?.[0]?.key ?? '?')))];
  const messages = [
    ...new Set(
      issues.map((issue) => {
        const variable = String(issue.path?.[0]?.key ?? '?');
        return issue.message.includes(variable) ? issue.message : `${variable}: ${issue.message}`;
      }),
    ),
  ];
  return new ConfigurationError(`Invalid configuration: ${messages.join('; ')}`, variables);
}

/** Builds and validates the configuration; throws a ConfigurationError naming every bad variable. */
export function loadConfig(env: Env): Config {
  const input = Object.fromEntries(Object.keys(EnvSchema.entries).map((name) => [name, env[name]]));
  const result = v.safeParse(EnvSchema, input, { abortEarly: false });
  if (!result.success) throw configurationError(result.issues);
  const parsed = result.output;
  const disabled: DisabledCapability[] = [];
  // Destinations first, then the service and the CRMs: the order start-up reports what is disabled in.
  const destinations = buildSlices(DESTINATION_SETTINGS, parsed, disabled) as DestinationConfigs;
  const { service } = buildSlices([serviceSettings], parsed, disabled);
  const crms = buildSlices(CRM_SETTINGS, parsed, disabled) as CrmConfigs;
  const { pipeline } = buildSlices([pipelineSettings], parsed, disabled);
  return { ...service, ...pipeline, ...crms, ...destinations, disabled };
}
