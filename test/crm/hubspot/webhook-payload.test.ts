import { describe, expect, it } from 'vitest';
import { collectDealActivity } from '../../../lib/crm/hubspot/deal-activity';
import { parseHubspotWebhook } from '../../../lib/crm/hubspot/webhook-payload';

describe('parseHubspotWebhook', () => {
  it('reads a subscription batch, stringifying IDs and dropping unknown keys', () => {
    const webhook = parseHubspotWebhook([
      {
        eventId: 1,
        occurredAt: 1_762_092_300_000,
        subscriptionType: 'deal.creation',
        objectId: 5,
        extra: 'x',
        changeFlag: 'NEW',
      },
    ]);
    expect(webhook).toEqual({
      kind: 'subscription',
      events: [
        {
          eventId: '1',
          occurredAt: 1_762_092_300_000,
          subscriptionType: 'deal.creation',
          objectId: '5',
          changeFlag: 'NEW',
        },
      ],
    });
  });

  it('reads a workflow payload in the v1 object format and a customised flat body alike', () => {
    expect(
      parseHubspotWebhook({
        objectId: 7,
        properties: { dealstage: { value: 'closedwon', timestamp: 1_762_092_300_000 }, amount: '10' },
      }),
    ).toEqual({
      kind: 'workflow',
      deal: {
        dealId: '7',
        properties: {
          dealstage: { value: 'closedwon', timestamp: 1_762_092_300_000 },
          amount: { value: '10', timestamp: undefined },
        },
      },
    });
    expect(parseHubspotWebhook({ hs_object_id: '8', dealstage: 'closedlost', amount: 12 })).toMatchObject({
      kind: 'workflow',
      deal: { dealId: '8', properties: { dealstage: { value: 'closedlost' }, amount: { value: '12' } } },
    });
  });
});

describe('collectDealActivity', () => {
  it('groups relevant deal events by deal, keeps the latest value per property, and sets the rest aside', () => {
    const { activity, ignoredEventIds } = collectDealActivity([
      {
        eventId: '1',
        occurredAt: 300,
        subscriptionType: 'deal.propertyChange',
        objectId: '10',
        propertyName: 'dealstage',
        propertyValue: 'closedlost',
      },
      {
        eventId: '2',
        occurredAt: 100,
        subscriptionType: 'deal.propertyChange',
        objectId: '10',
        propertyName: 'dealstage',
        propertyValue: 'closedwon',
      },
      {
        eventId: '3',
        occurredAt: 200,
        subscriptionType: 'object.propertyChange',
        objectTypeId: '0-3',
        objectId: '10',
        propertyName: 'amount',
        propertyValue: '5',
      },
      {
        eventId: '4',
        occurredAt: 200,
        subscriptionType: 'deal.propertyChange',
        objectId: '11',
        propertyName: 'description',
        propertyValue: 'x',
      },
      {
        eventId: '5',
        occurredAt: 200,
        subscriptionType: 'object.propertyChange',
        objectTypeId: '0-1',
        objectId: '12',
        propertyName: 'dealstage',
        propertyValue: 'closedwon',
      },
      { eventId: '6', occurredAt: 50, subscriptionType: 'deal.creation', objectId: '13' },
    ]);
    expect(activity).toEqual([
      {
        dealId: '10',
        eventIds: ['1', '2', '3'],
        latestAt: 300,
        changes: { dealstage: { value: 'closedlost', at: 300 }, amount: { value: '5', at: 200 } },
      },
      { dealId: '13', eventIds: ['6'], latestAt: 50, changes: {} },
    ]);
    expect(ignoredEventIds).toEqual(['4', '5']);
  });
});
