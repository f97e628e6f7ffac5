import { describe, expect, it } from 'vitest';
import { hubspotWebhook } from '../../lib/crm/hubspot/webhook';
import { salesforceWebhook } from '../../lib/crm/salesforce/webhook';
import { webhookRequest } from '../../lib/crm/webhook-request';
import { AuthenticationError, PayloadTooLargeError } from '../../lib/errors';
import type { HttpEvent } from '../../lib/http/request';

const event = (body: string, pathParameters?: Record<string, string>): HttpEvent =>
  ({
    rawPath: '/webhooks/test',
    rawQueryString: '',
    headers: { host: 'example.com', 'x-forwarded-proto': 'https' },
    requestContext: { http: { method: 'POST', path: '/webhooks/test' } },
    body,
    isBase64Encoded: false,
    ...(pathParameters ? { pathParameters } : {}),
  }) as unknown as HttpEvent;

describe('webhookRequest', () => {
  it('reads the body only when asked, checking its size then', () => {
    const request = webhookRequest(event('x'.repeat(11)), { maxBodyBytes: 10, publicBaseUrl: undefined });

    expect(request.uri).toBe('https://example.com/webhooks/test');
    expect(() => request.body()).toThrow(PayloadTooLargeError);
  });

  it('lets an unconfigured webhook answer 401 before a too-large body answers 413', () => {
    const big = 'x'.repeat(11);
    const options = { maxBodyBytes: 10, publicBaseUrl: undefined };
    const hubspot = {
      clientSecret: undefined,
      accessToken: undefined,
      apiVersion: '2026-09',
      apiBaseUrl: 'https://api.hubapi.com',
      leadIdProperty: 'lead_id',
      contactLeadIdProperty: 'lead_id',
    };
    const salesforce = {
      orgId: undefined,
      webhookToken: undefined,
      instanceUrl: undefined,
      accessToken: undefined,
      apiVersion: 'v68.0',
      leadIdField: 'Lead_ID__c',
      lossReasonField: 'Loss_Reason__c',
    };

    expect(() => hubspotWebhook.verify(webhookRequest(event(big), options), hubspot, 0)).toThrow(
      AuthenticationError,
    );
    expect(() =>
      salesforceWebhook.verify(webhookRequest(event(big, { token: 't' }), options), salesforce),
    ).toThrow(AuthenticationError);
  });
});
