import { describe, expect, it } from 'vitest';
import { parseOutboundMessage, SALESFORCE_ACK } from '../../../lib/crm/salesforce/outbound-message';
import { PayloadValidationError } from '../../../lib/errors';
import { outboundMessage } from '../../support/salesforce-soap';

function issues(xml: string) {
  try {
    parseOutboundMessage(xml);
  } catch (error) {
    if (error instanceof PayloadValidationError) return error.issues;
    throw error;
  }
  throw new Error('expected a PayloadValidationError');
}

describe('parseOutboundMessage', () => {
  it('reads org, action and every notification with nil and text values', () => {
    const message = parseOutboundMessage(
      outboundMessage({
        organizationId: '00D5g000004ABCDEA4',
        notifications: [
          {
            id: '04l5g000001AAAAAA4',
            fields: { Id: '0065g00000AbCdEAAV', IsWon: 'true', Amount: null, Name: 'A & B <C>' },
          },
          { id: '04l5g000001AAABAA4', type: 'Account', fields: { Id: '0015000000VALDtAAP' } },
        ],
      }),
    );
    expect(message).toEqual({
      organizationId: '00D5g000004ABCDEA4',
      actionId: '04k5g000000ABCDAAA',
      notifications: [
        {
          id: '04l5g000001AAAAAA4',
          objectType: 'Opportunity',
          fields: { Id: '0065g00000AbCdEAAV', IsWon: 'true', Amount: null, Name: 'A & B <C>' },
        },
        { id: '04l5g000001AAABAA4', objectType: 'Account', fields: { Id: '0015000000VALDtAAP' } },
      ],
    });
  });

  it('resolves namespaces, not prefixes: any prefix for the same URIs is the same message', () => {
    const xml = `<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body>
      <o:notifications xmlns:o="http://soap.sforce.com/2005/09/outbound"><o:OrganizationId>00D5g000004ABCDEA4</o:OrganizationId>
      <o:Notification><o:Id>04l5g000001AAAAAA4</o:Id><o:sObject xmlns:t="http://www.w3.org/2001/XMLSchema-instance" t:type="x:Opportunity" xmlns:x="urn:sobject.enterprise.soap.sforce.com">
      <x:Id>0065g00000AbCdEAAV</x:Id><x:Amount t:nil="true"/></o:sObject></o:Notification></o:notifications></S:Body></S:Envelope>`;
    expect(parseOutboundMessage(xml).notifications).toEqual([
      {
        id: '04l5g000001AAAAAA4',
        objectType: 'Opportunity',
        fields: { Id: '0065g00000AbCdEAAV', Amount: null },
      },
    ]);
  });

  it('decodes numeric character references in field text', () => {
    const xml = outboundMessage({
      organizationId: '00D5g000004ABCDEA4',
      notifications: [{ id: '04l5g000001AAAAAA4', fields: { Id: '0065g00000AbCdEAAV' } }],
    }).replace('<sf:Id>', '<sf:Loss_Reason__c>Price&#xD;&#10;&#233;</sf:Loss_Reason__c><sf:Id>');
    expect(parseOutboundMessage(xml).notifications[0]?.fields.Loss_Reason__c).toBe('Price\r\né');
  });

  it('names a missing organization and a notification without Id or sObject', () => {
    const xml = outboundMessage({ organizationId: '', notifications: [] }).replace(
      '</PartnerUrl>',
      '</PartnerUrl><Notification><sObject/></Notification><Notification><Id>04l5g000001AAAAAA4</Id></Notification>',
    );
    expect(issues(xml)).toEqual([
      { field: 'Envelope.Body.notifications.OrganizationId', message: 'required' },
      { field: 'Envelope.Body.notifications.Notification[0].Id', message: 'required' },
      { field: 'Envelope.Body.notifications.Notification[1].sObject', message: 'required' },
    ]);
  });

  it('refuses more than 100 notifications and none at all', () => {
    const many = Array.from({ length: 101 }, () => ({
      id: '04l5g000001AAAAAA4',
      fields: { Id: '0065g00000AbCdEAAV' },
    }));
    expect(issues(outboundMessage({ organizationId: '00D5g000004ABCDEA4', notifications: many }))).toEqual([
      { field: 'Envelope.Body.notifications.Notification', message: 'at most 100 notifications a message' },
    ]);
    expect(issues(outboundMessage({ organizationId: '00D5g000004ABCDEA4', notifications: [] }))).toEqual([
      { field: 'Envelope.Body.notifications.Notification', message: 'must hold at least one Notification' },
    ]);
  });

  it('is the exact Ack of the reference', () => {
    expect(SALESFORCE_ACK).toBe(
      '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>true</Ack></notificationsResponse></soapenv:Body></soapenv:Envelope>',
    );
  });
});
