import * as v from 'valibot';
import {
  defineSettings,
  optionalMatching,
  optionalText,
  optionalUrl,
  requireAll,
  textWithDefault,
} from '../../settings';
import { toEighteenCharacterId } from './record-id';

/** Salesforce REST API version, pinned; SALESFORCE_API_VERSION overrides it. */
export const SALESFORCE_API_VERSION = 'v68.0';

export type SalesforceConfig = {
  orgId: string | undefined;
  webhookToken: string | undefined;
  instanceUrl: string | undefined;
  accessToken: string | undefined;
  apiVersion: string;
  leadIdField: string;
  lossReasonField: string;
};

const FIELD_API_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/** Salesforce's variables; the webhook and the REST API are reported apart, as either works alone. */
export const salesforceSettings = defineSettings({
  key: 'salesforce',
  entries: {
    SALESFORCE_ORG_ID: v.pipe(
      optionalMatching(
        /^00D[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$/,
        'SALESFORCE_ORG_ID must be a 15- or 18-character organisation ID starting 00D',
      ),
      // An 18-character ID whose last three characters lie about its case would refuse every Outbound
      // Message with 403: stop at start-up instead (./record-id.ts).
      v.check(
        (orgId) => orgId === undefined || toEighteenCharacterId(orgId) !== undefined,
        'SALESFORCE_ORG_ID: its last three characters are not the checksum of the first fifteen (copy the ID again from Setup › Company Information, or give its 15-character form)',
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
    SALESFORCE_API_VERSION: textWithDefault(
      SALESFORCE_API_VERSION,
      /^v\d+\.\d$/,
      'SALESFORCE_API_VERSION must look like v68.0',
    ),
    SALESFORCE_LEAD_ID_FIELD: textWithDefault(
      'Lead_ID__c',
      FIELD_API_NAME,
      'SALESFORCE_LEAD_ID_FIELD must be a field API name',
    ),
    SALESFORCE_LOSS_REASON_FIELD: textWithDefault(
      'Loss_Reason__c',
      FIELD_API_NAME,
      'SALESFORCE_LOSS_REASON_FIELD must be a field API name',
    ),
  },
  build(env, disabled): SalesforceConfig {
    requireAll(
      'salesforce-webhook',
      { SALESFORCE_ORG_ID: env.SALESFORCE_ORG_ID, SALESFORCE_WEBHOOK_TOKEN: env.SALESFORCE_WEBHOOK_TOKEN },
      disabled,
    );
    requireAll(
      'salesforce-api',
      {
        SALESFORCE_INSTANCE_URL: env.SALESFORCE_INSTANCE_URL,
        SALESFORCE_ACCESS_TOKEN: env.SALESFORCE_ACCESS_TOKEN,
      },
      disabled,
    );
    return {
      orgId: env.SALESFORCE_ORG_ID,
      webhookToken: env.SALESFORCE_WEBHOOK_TOKEN,
      instanceUrl: env.SALESFORCE_INSTANCE_URL,
      accessToken: env.SALESFORCE_ACCESS_TOKEN,
      apiVersion: env.SALESFORCE_API_VERSION,
      leadIdField: env.SALESFORCE_LEAD_ID_FIELD,
      lossReasonField: env.SALESFORCE_LOSS_REASON_FIELD,
    };
  },
});
