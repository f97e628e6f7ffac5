import { join } from 'node:path';
import type { Config } from '../../lib/config';
import { ConfigurationError } from '../../lib/errors';
import { publicBaseUrlFor } from '../public-url';
import { type ProjectEdit, renderProject } from '../render-project';

/**
 * The Salesforce DX project (reference/platform-apis.md §5): the lead ID and loss reason fields, the
 * Outbound Message carrying every Opportunity field the connector reads, the two record-triggered flows
 * that send it, and the named credential a Flow HTTP Callout would use instead. Rendered per org because
 * the endpoint holds SALESFORCE_WEBHOOK_TOKEN, an Outbound Message names the user it is sent as, and
 * `CurrencyIsoCode` exists only in multi-currency orgs (a field list naming it fails to deploy elsewhere).
 */
export const SALESFORCE_TEMPLATE_DIR = join(__dirname, 'project');
const SOURCE = 'force-app/main/default';
export const SALESFORCE_WORKFLOW_FILE = `${SOURCE}/workflows/Opportunity.workflow-meta.xml`;
export const SALESFORCE_CHANGED_FLOW_FILE = `${SOURCE}/flows/CRM_Conversions_Opportunity_Changed.flow-meta.xml`;
export const SALESFORCE_CREATED_FLOW_FILE = `${SOURCE}/flows/CRM_Conversions_Opportunity_Created_Closed.flow-meta.xml`;
export const SALESFORCE_PERMISSION_SET_FILE = `${SOURCE}/permissionsets/CRM_Conversions.permissionset-meta.xml`;
export const SALESFORCE_NAMED_CREDENTIAL_FILE = `${SOURCE}/namedCredentials/CRM_Conversions.namedCredential-meta.xml`;

/** The fields this project creates, under the connector's default names (SALESFORCE_*_FIELD). */
export const PROJECT_LEAD_ID_FIELD = 'Lead_ID__c';
export const PROJECT_LOSS_REASON_FIELD = 'Loss_Reason__c';
export const PROJECT_FIELDS = [
  `Opportunity.${PROJECT_LEAD_ID_FIELD}`,
  `Lead.${PROJECT_LEAD_ID_FIELD}`,
  `Opportunity.${PROJECT_LOSS_REASON_FIELD}`,
] as const;

export function fieldFile(qualifiedField: string): string {
  const [object, field] = qualifiedField.split('.');
  return `${SOURCE}/objects/${object}/fields/${field}.field-meta.xml`;
}

export type SalesforceSetupOptions = {
  config: Pick<Config, 'publicBaseUrl' | 'salesforce'>;
  /** Username the Outbound Message is sent as (Salesforce requires one, an active user of the org). */
  integrationUser: string;
  /** The org has multiple currencies enabled, so `CurrencyIsoCode` exists on Opportunity. */
  multiCurrency: boolean;
  /** `Object.Field` names of the project's fields that the org already has: they are not deployed again. */
  existingFields?: readonly string[];
  outDir: string;
};

// The token goes into a URL path: unreserved characters only (RFC 3986 §2.3), so no encoding can differ
// between what Salesforce calls and what the connector compares.
const URL_SAFE_TOKEN = /^[A-Za-z0-9._~-]+$/;
// Salesforce usernames have the form of an email address.
const USERNAME = /^[^\s@<>&"']+@[^\s@<>&"']+\.[^\s@<>&"']+$/;

export function salesforceProjectValues(
  options: Pick<SalesforceSetupOptions, 'config' | 'integrationUser'>,
): Record<string, string> {
  const token = options.config.salesforce.webhookToken;
  if (token === undefined) {
    throw new ConfigurationError('SALESFORCE_WEBHOOK_TOKEN is required: the secret in the webhook path', [
      'SALESFORCE_WEBHOOK_TOKEN',
    ]);
  }
  if (!URL_SAFE_TOKEN.test(token)) {
    throw new ConfigurationError(
      'SALESFORCE_WEBHOOK_TOKEN must use only letters, digits and . _ ~ - (it is a URL path segment; openssl rand -hex 24 makes one)',
      ['SALESFORCE_WEBHOOK_TOKEN'],
    );
  }
  if (!USERNAME.test(options.integrationUser)) {
    throw new ConfigurationError(
      `--integration-user must be a Salesforce username (name@example.com), got "${options.integrationUser}"`,
      [],
    );
  }
  return {
    PUBLIC_BASE_URL: publicBaseUrlFor(options.config),
    SALESFORCE_WEBHOOK_TOKEN: token,
    SALESFORCE_INTEGRATION_USER: options.integrationUser,
    // Metadata carries the REST API's version number without the `v` (v68.0 → 68.0).
    SALESFORCE_METADATA_API_VERSION: options.config.salesforce.apiVersion.replace(/^v/, ''),
  };
}

/** The configured field name in place of the project's default, wherever the project names the field. */
function renameFieldEdits(object: 'Opportunity', from: string, to: string, variable: string): ProjectEdit[] {
  const why = `${variable}=${to}`;
  return [
    {
      file: SALESFORCE_WORKFLOW_FILE,
      replace: `<fields>${from}</fields>`,
      with: `<fields>${to}</fields>`,
      why,
    },
    {
      file: SALESFORCE_PERMISSION_SET_FILE,
      replace: `<field>${object}.${from}</field>`,
      with: `<field>${object}.${to}</field>`,
      why,
    },
  ];
}

function singleCurrencyEdits(): ProjectEdit[] {
  const why = 'CurrencyIsoCode exists only in multi-currency orgs';
  return [
    { file: SALESFORCE_WORKFLOW_FILE, replace: '        <fields>CurrencyIsoCode</fields>\n', with: '', why },
    { file: SALESFORCE_CHANGED_FLOW_FILE, replace: ' ISCHANGED({!$Record.CurrencyIsoCode}),', with: '', why },
  ];
}

export function configureSalesforceProject(options: SalesforceSetupOptions): string[] {
  const { leadIdField, lossReasonField } = options.config.salesforce;
  const existing = new Set(options.existingFields ?? []);
  for (const field of existing) {
    if (!(PROJECT_FIELDS as readonly string[]).includes(field)) {
      throw new ConfigurationError(
        `--existing-field ${field}: the project creates only ${PROJECT_FIELDS.join(', ')}`,
        [],
      );
    }
  }
  const edits: ProjectEdit[] = options.multiCurrency ? [] : singleCurrencyEdits();
  // A field configured under another name is the org's own: the Outbound Message sends it, nothing creates it.
  if (leadIdField !== PROJECT_LEAD_ID_FIELD) {
    edits.push(
      ...renameFieldEdits('Opportunity', PROJECT_LEAD_ID_FIELD, leadIdField, 'SALESFORCE_LEAD_ID_FIELD'),
    );
    existing.add(`Opportunity.${PROJECT_LEAD_ID_FIELD}`);
  }
  if (lossReasonField !== PROJECT_LOSS_REASON_FIELD) {
    edits.push(
      ...renameFieldEdits(
        'Opportunity',
        PROJECT_LOSS_REASON_FIELD,
        lossReasonField,
        'SALESFORCE_LOSS_REASON_FIELD',
      ),
    );
    existing.add(`Opportunity.${PROJECT_LOSS_REASON_FIELD}`);
  }
  return renderProject({
    templateDir: SALESFORCE_TEMPLATE_DIR,
    outDir: options.outDir,
    values: salesforceProjectValues(options),
    omit: [...existing].map(fieldFile),
    edits,
  });
}
