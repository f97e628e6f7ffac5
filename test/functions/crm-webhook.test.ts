import { describe, expect, it } from 'vitest';
import { createCrmWebhookHandler, crmNamed } from '../../functions/crm-webhook';
import { CRM_SOURCES } from '../../lib/crm/registry';

/**
 * functions/crm-webhook.ts serves the webhook of any CRM that declares `lambda`; the template test
 * (test/architecture/extension-template.test.ts) takes a close through it on the local server. Here: what it
 * refuses to serve, so a deployment pointed at the wrong CRM fails at its first call, not silently.
 */
describe('the generic CRM webhook function', () => {
  it('names the CRM_NAME it cannot serve: unset, unknown, or a CRM with its own function', () => {
    expect(() => crmNamed(undefined)).toThrow(
      'CRM_NAME names no registered CRM with a webhook function: (unset)',
    );
    expect(() => crmNamed('pipedrive')).toThrow(': pipedrive');
    // HubSpot and Salesforce have their own functions (functions/<name>-webhook.ts).
    expect(() => crmNamed('hubspot')).toThrow(': hubspot');
  });

  it('is not built for a CRM that declares no lambda', () => {
    const hubspot = CRM_SOURCES.find((crm) => crm.name === 'hubspot');
    expect(hubspot?.lambda).toBeUndefined();
    expect(() =>
      createCrmWebhookHandler(hubspot as NonNullable<typeof hubspot>, () => {
        throw new Error('never resolved');
      }),
    ).toThrow('the hubspot CRM declares no webhook function (CrmSource.lambda)');
  });
});
