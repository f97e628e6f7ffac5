import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listTemplateFiles } from '../../crm-setup/render-project';
import {
  configureSalesforceProject,
  fieldFile,
  PROJECT_FIELDS,
  SALESFORCE_CHANGED_FLOW_FILE,
  SALESFORCE_CREATED_FLOW_FILE,
  SALESFORCE_NAMED_CREDENTIAL_FILE,
  SALESFORCE_PERMISSION_SET_FILE,
  SALESFORCE_TEMPLATE_DIR,
  SALESFORCE_WORKFLOW_FILE,
  type SalesforceSetupOptions,
} from '../../crm-setup/salesforce/configure';
import { type Env, loadConfig } from '../../lib/config';
import { parseLeadId } from '../../lib/crm/close-fields';
import { OpportunitySchema } from '../../lib/crm/salesforce/opportunity';
import { matchRoute } from '../../lib/http/match-route';
import { HTTP_ROUTES } from '../../lib/http/routes';

/**
 * The Salesforce DX project, parsed and held to the connector: the Outbound Message's field list to every
 * field the connector reads from an Opportunity, its endpoint to the route, the flows to the message.
 */
const BASE_URL = 'https://abc123.execute-api.eu-west-1.amazonaws.com';
const TOKEN = 'f3a1c9e07b2d4a6f8e0c1b3d5a7f9e2c';
const ENV: Env = { PUBLIC_BASE_URL: BASE_URL, SALESFORCE_WEBHOOK_TOKEN: TOKEN };
const INTEGRATION_USER = 'integration@acme.example';
// Opportunity fields that exist only in multi-currency orgs (reference §5).
const MULTI_CURRENCY_ONLY = new Set(['CurrencyIsoCode']);

// Elements that repeat in these metadata types; parsed as arrays even when a file has one.
const REPEATED = new Set([
  'fields',
  'outboundMessages',
  'actionCalls',
  'externalCredentialParameters',
  'namedCredentialParameters',
  'fieldPermissions',
  'externalCredentialPrincipalAccesses',
  'packageDirectories',
]);
const parser = new XMLParser({ parseTagValue: false, isArray: (name) => REPEATED.has(name) });

// biome-ignore lint/suspicious/noExplicitAny: parsed metadata XML; each test asserts the shape it reads.
type Metadata = Record<string, any>;

let root: string;

function render(overrides: Partial<SalesforceSetupOptions> & { env?: Env } = {}): string {
  const { env = ENV, ...options } = overrides;
  const outDir = mkdtempSync(join(root, 'project-'));
  configureSalesforceProject({
    config: loadConfig(env),
    integrationUser: INTEGRATION_USER,
    multiCurrency: true,
    outDir,
    ...options,
  });
  return outDir;
}

function readXml(dir: string, file: string): Metadata {
  return parser.parse(readFileSync(join(dir, file), 'utf8')) as Metadata;
}

function outboundMessage(dir: string): Metadata {
  const messages = readXml(dir, SALESFORCE_WORKFLOW_FILE).Workflow.outboundMessages as Metadata[];
  expect(messages).toHaveLength(1);
  return messages[0] as Metadata;
}

/** What the connector reads of an Opportunity in an Outbound Message: the schema's fields and the configured ones. */
function fieldsTheConnectorReads(env: Env, multiCurrency: boolean): string[] {
  const { leadIdField, lossReasonField } = loadConfig(env).salesforce;
  return [...new Set([...Object.keys(OpportunitySchema.entries), leadIdField, lossReasonField])]
    .filter((field) => multiCurrency || !MULTI_CURRENCY_ONLY.has(field))
    .sort();
}

let multiCurrency: string;
let singleCurrency: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'crm-setup-salesforce-'));
  multiCurrency = render();
  singleCurrency = render({ multiCurrency: false });
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('Salesforce project files', () => {
  it('are well-formed, in the template and rendered for single- and multi-currency orgs', () => {
    const files = listTemplateFiles(SALESFORCE_TEMPLATE_DIR);
    expect(files).toContain('sfdx-project.json');
    for (const dir of [SALESFORCE_TEMPLATE_DIR, multiCurrency, singleCurrency]) {
      for (const file of files) {
        const text = readFileSync(join(dir, file), 'utf8');
        if (file.endsWith('.json')) expect(() => JSON.parse(text), file).not.toThrow();
        else expect(XMLValidator.validate(text), `${dir}/${file}`).toBe(true);
        if (dir !== SALESFORCE_TEMPLATE_DIR) expect(text, file).not.toMatch(/\{\{/);
      }
    }
  });

  it('form a DX project whose metadata API version is the connector Salesforce API version', () => {
    const project = JSON.parse(readFileSync(join(multiCurrency, 'sfdx-project.json'), 'utf8'));
    const version = loadConfig(ENV).salesforce.apiVersion.replace(/^v/, '');
    expect(project.packageDirectories).toEqual([{ path: 'force-app', default: true }]);
    expect(existsSync(join(multiCurrency, 'force-app'))).toBe(true);
    expect(project.sourceApiVersion).toBe(version);
    expect(outboundMessage(multiCurrency).apiVersion).toBe(version);
    for (const flow of [SALESFORCE_CHANGED_FLOW_FILE, SALESFORCE_CREATED_FLOW_FILE]) {
      expect(readXml(multiCurrency, flow).Flow.apiVersion, flow).toBe(version);
    }
  });
});

describe('Outbound Message', () => {
  it('sends every field the connector reads from an Opportunity, and nothing else', () => {
    expect([...outboundMessage(multiCurrency).fields].sort()).toEqual(fieldsTheConnectorReads(ENV, true));
  });

  it('leaves out CurrencyIsoCode for a single-currency org, where the field does not exist', () => {
    expect([...outboundMessage(singleCurrency).fields].sort()).toEqual(fieldsTheConnectorReads(ENV, false));
    expect(outboundMessage(singleCurrency).fields).not.toContain('CurrencyIsoCode');
  });

  it('sends the configured lead ID and loss reason fields, and creates none under another name', () => {
    const env = {
      ...ENV,
      SALESFORCE_LEAD_ID_FIELD: 'Lead_Key__c',
      SALESFORCE_LOSS_REASON_FIELD: 'Lost_Why__c',
    };
    const dir = render({ env });

    expect([...outboundMessage(dir).fields].sort()).toEqual(fieldsTheConnectorReads(env, true));
    expect(existsSync(join(dir, fieldFile('Opportunity.Lead_ID__c')))).toBe(false);
    expect(existsSync(join(dir, fieldFile('Opportunity.Loss_Reason__c')))).toBe(false);
    const granted = (
      readXml(dir, SALESFORCE_PERMISSION_SET_FILE).PermissionSet.fieldPermissions as Metadata[]
    ).map((permission) => permission.field);
    expect(granted.sort()).toEqual(['Lead.Lead_ID__c', 'Opportunity.Lead_Key__c', 'Opportunity.Lost_Why__c']);
  });

  it('posts to the connector route with SALESFORCE_WEBHOOK_TOKEN, as the integration user, without a session ID', () => {
    const message = outboundMessage(multiCurrency);
    const endpoint = new URL(message.endpointUrl);
    const route = HTTP_ROUTES.find((candidate) => candidate.functionName === 'salesforce-webhook');

    expect(endpoint.origin).toBe(BASE_URL);
    expect(route && matchRoute(route.path, endpoint.pathname)).toEqual({ token: TOKEN });
    expect(message.integrationUser).toBe(INTEGRATION_USER);
    // The connector authenticates the path token and the org, never a session: none is sent.
    expect(message.includeSessionId).toBe('false');
  });
});

describe('record-triggered flows', () => {
  const flows = () =>
    [SALESFORCE_CHANGED_FLOW_FILE, SALESFORCE_CREATED_FLOW_FILE].map(
      (file) => readXml(multiCurrency, file).Flow,
    );

  it('send the Outbound Message after an Opportunity is saved, and are active', () => {
    const messageName = `Opportunity.${outboundMessage(multiCurrency).fullName}`;
    for (const flow of flows()) {
      expect(flow.processType).toBe('AutoLaunchedFlow');
      expect(flow.status).toBe('Active');
      expect(flow.start.object).toBe('Opportunity');
      expect(flow.start.triggerType).toBe('RecordAfterSave');
      expect(flow.start.connector.targetReference).toBe(flow.actionCalls[0].name);
      expect(flow.actionCalls).toHaveLength(1);
      expect(flow.actionCalls[0]).toMatchObject({ actionType: 'outboundMessage', actionName: messageName });
    }
  });

  it('fire on an update that changes the stage, amount, currency or closed state, and on a create already closed', () => {
    const [changed, created] = flows();
    expect(changed.start.recordTriggerType).toBe('Update');
    for (const field of ['StageName', 'Amount', 'CurrencyIsoCode', 'IsClosed']) {
      expect(changed.start.filterFormula).toContain(`ISCHANGED({!$Record.${field}})`);
    }
    expect(created.start.recordTriggerType).toBe('Create');
    expect(created.start.filterFormula).toBe('{!$Record.IsClosed}');
    const single = readXml(singleCurrency, SALESFORCE_CHANGED_FLOW_FILE).Flow.start.filterFormula;
    expect(single).not.toContain('CurrencyIsoCode');
  });

  it('test only fields the Outbound Message sends (so each exists wherever the message deploys)', () => {
    for (const [dir, file] of [
      [multiCurrency, SALESFORCE_CHANGED_FLOW_FILE],
      [singleCurrency, SALESFORCE_CHANGED_FLOW_FILE],
      [multiCurrency, SALESFORCE_CREATED_FLOW_FILE],
    ] as const) {
      const formula: string = readXml(dir, file).Flow.start.filterFormula;
      const tested = [...formula.matchAll(/\{!\$Record\.(\w+)\}/g)].map((match) => match[1]);
      expect(tested.length).toBeGreaterThan(0);
      for (const field of tested) expect(outboundMessage(dir).fields, `${file}: ${field}`).toContain(field);
    }
  });
});

describe('custom fields', () => {
  it('are optional text fields, not external IDs, the lead ID as long as the longest lead ID the connector keeps', () => {
    for (const field of PROJECT_FIELDS) {
      const definition = readXml(multiCurrency, fieldFile(field)).CustomField;
      expect(`${field.split('.')[0]}.${definition.fullName}`).toBe(field);
      expect(definition).toMatchObject({
        type: 'Text',
        required: 'false',
        externalId: 'false',
        unique: 'false',
      });
    }
    const length = Number(readXml(multiCurrency, fieldFile('Opportunity.Lead_ID__c')).CustomField.length);
    expect(parseLeadId('x'.repeat(length))).toBeDefined();
    expect(parseLeadId('x'.repeat(length + 1))).toBeUndefined();
    expect(readXml(multiCurrency, fieldFile('Lead.Lead_ID__c')).CustomField.length).toBe(String(length));
  });

  it('are not deployed again when the org already has them', () => {
    const dir = render({ existingFields: ['Opportunity.Loss_Reason__c'] });
    expect(existsSync(join(dir, fieldFile('Opportunity.Loss_Reason__c')))).toBe(false);
    expect(existsSync(join(dir, fieldFile('Opportunity.Lead_ID__c')))).toBe(true);
    expect(outboundMessage(dir).fields).toContain('Loss_Reason__c');
  });
});

describe('named credential for a Flow HTTP Callout', () => {
  it('points at the same endpoint as the Outbound Message, through an external credential a permission set grants', () => {
    const named = readXml(multiCurrency, SALESFORCE_NAMED_CREDENTIAL_FILE).NamedCredential;
    const parameters = named.namedCredentialParameters as Metadata[];
    const url = parameters.find((parameter) => parameter.parameterType === 'Url');
    const authentication = parameters.find((parameter) => parameter.parameterType === 'Authentication');
    expect(named.namedCredentialType).toBe('SecuredEndpoint');
    expect(url?.parameterValue).toBe(outboundMessage(multiCurrency).endpointUrl);

    const externalFile = `force-app/main/default/externalCredentials/${authentication?.externalCredential}.externalCredential-meta.xml`;
    const external = readXml(multiCurrency, externalFile).ExternalCredential;
    const principal = (external.externalCredentialParameters as Metadata[]).find(
      (parameter) => parameter.parameterType === 'NamedPrincipal',
    );
    const accesses = readXml(multiCurrency, SALESFORCE_PERMISSION_SET_FILE).PermissionSet
      .externalCredentialPrincipalAccesses as Metadata[];
    expect(accesses).toEqual([
      {
        enabled: 'true',
        externalCredentialPrincipal: `${authentication?.externalCredential}-${principal?.parameterName}`,
      },
    ]);
  });
});

describe('configureSalesforceProject', () => {
  it('refuses a missing or URL-unsafe token, a bad integration user and a field the project does not create', () => {
    const config = loadConfig(ENV);
    const outDir = join(root, 'refused');
    const base = { config, integrationUser: INTEGRATION_USER, multiCurrency: false, outDir };
    expect(() =>
      configureSalesforceProject({ ...base, config: loadConfig({ PUBLIC_BASE_URL: BASE_URL }) }),
    ).toThrow(/SALESFORCE_WEBHOOK_TOKEN is required/);
    expect(() =>
      configureSalesforceProject({
        ...base,
        config: loadConfig({ ...ENV, SALESFORCE_WEBHOOK_TOKEN: 'not/a&safe?token+1234' }),
      }),
    ).toThrow(/URL path segment/);
    expect(() => configureSalesforceProject({ ...base, integrationUser: 'admin' })).toThrow(
      /--integration-user/,
    );
    expect(() => configureSalesforceProject({ ...base, existingFields: ['Account.Lead_ID__c'] })).toThrow(
      /--existing-field Account\.Lead_ID__c/,
    );
    expect(existsSync(outDir)).toBe(false);
  });
});
