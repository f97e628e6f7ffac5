import { describe, expect, it } from 'vitest';
import { decideGa4LeadStage } from '../../lib/destinations/ga4/lead-stage';
import { decideAdsApiLeadStage } from '../../lib/destinations/google-ads/ads-api/lead-stage';
import {
  decideDataManagerLeadStage,
  stageBatch,
} from '../../lib/destinations/google-ads/data-manager/lead-stage';
import { buildDataManagerRequest } from '../../lib/destinations/google-ads/data-manager/request';
import { decideMetaLeadStage } from '../../lib/destinations/meta/lead-stage';
import { decideTiktokLeadStage } from '../../lib/destinations/tiktok/lead-stage';
import type { LeadStageConversion } from '../../lib/destinations/types';
import { type LeadRecord, type StageRecord, stageSubjectKey } from '../../lib/domain';
import { sha256Hex } from '../../lib/leads/hash';
import { DAY, HOUR, T0 } from '../support/clock';

const LEAD: LeadRecord = {
  leadId: 'lead_9',
  source: 'reshape',
  capturedAt: T0 - 10 * DAY,
  updatedAt: T0 - 10 * DAY,
  revision: 1,
  clickIds: {
    gclid: 'EAIaIQobChMI-stage',
    fbc: `fb.1.${T0 - 10 * DAY}.IwAR-stage`,
    gaClientId: '1234567890.1700000000',
    ttclid: 'E.C.P.stage-ttclid',
  },
  identity: {
    google: { emails: [sha256Hex('a@example.com')], phones: [] },
    meta: { em: [sha256Hex('a@example.com')], ph: [] },
  },
  consent: {
    analytics: true,
    personalization: false,
    marketing: true,
    adUserData: true,
    adPersonalization: false,
  },
};

function conversion(overrides: Partial<StageRecord> = {}, now = T0): LeadStageConversion {
  const stage: StageRecord = {
    kind: 'stage',
    subjectKey: stageSubjectKey('qualified', 'lead_9'),
    leadKey: 'lead_9',
    leadId: 'lead_9',
    stage: 'qualified',
    crm: 'salesforce',
    origin: 'deal',
    implied: false,
    reachedAt: T0 - 2 * HOUR,
    value: 250,
    currency: 'USD',
    targets: {
      google: { conversionAction: '777000111' },
      meta: { eventName: 'LeadQualified' },
      ga4: { eventName: 'qualify_lead' },
      tiktok: { eventName: 'Contact' },
    },
    version: 1,
    recordedAt: T0 - HOUR,
    updatedAt: T0 - HOUR,
    planned: false,
    ...overrides,
  };
  return {
    type: 'lead_stage',
    stage,
    crmDisplayName: 'Salesforce',
    lead: LEAD,
    identity: LEAD.identity,
    consent: LEAD.consent,
    delivered: undefined,
    now,
  };
}

describe('decideMetaLeadStage', () => {
  it('sends the stage under its own event name, keyed <lead>:<stage>, as a CRM event', () => {
    const decision = decideMetaLeadStage(conversion());

    expect(decision).toMatchObject({ kind: 'send', batch: 'events' });
    expect(decision.kind === 'send' && decision.row).toEqual({
      event_name: 'LeadQualified',
      event_time: Math.floor((T0 - 2 * HOUR) / 1000),
      action_source: 'system_generated',
      event_id: 'lead_9:qualified',
      user_data: {
        external_id: [sha256Hex('lead_9')],
        em: [sha256Hex('a@example.com')],
        fbc: `fb.1.${T0 - 10 * DAY}.IwAR-stage`,
      },
      custom_data: {
        event_source: 'crm',
        lead_event_source: 'Salesforce',
        funnel_stage: 'qualified',
        value: 250,
        currency: 'USD',
      },
    });
  });

  it('leaves value out of a stage without one, and skips one outside Meta’s 7 days or without consent', () => {
    const valueless = decideMetaLeadStage(conversion({ value: undefined, currency: undefined }));
    expect(valueless.kind === 'send' && valueless.row.custom_data).toEqual({
      event_source: 'crm',
      lead_event_source: 'Salesforce',
      funnel_stage: 'qualified',
    });
    expect(decideMetaLeadStage(conversion({ reachedAt: T0 - 8 * DAY }))).toMatchObject({
      kind: 'skip',
      reason: 'expired',
    });
    expect(
      decideMetaLeadStage({
        ...conversion(),
        consent: { ...(LEAD.consent as NonNullable<LeadRecord['consent']>), marketing: false },
      }),
    ).toMatchObject({
      kind: 'skip',
      reason: 'consent',
    });
  });
});

describe('decideDataManagerLeadStage', () => {
  it('sends the stage on its own conversion action, transactionId <lead>:<stage>, at the stage time', () => {
    const decision = decideDataManagerLeadStage(conversion(), { clickWindowMs: 90 * DAY });

    expect(decision).toMatchObject({ kind: 'send', batch: stageBatch('777000111') });
    const row = decision.kind === 'send' ? decision.row : undefined;
    expect(row).toEqual({
      destinationReferences: ['action-777000111'],
      transactionId: 'lead_9:qualified',
      eventTimestamp: new Date(T0 - 2 * HOUR).toISOString(),
      lastUpdatedTimestamp: new Date(T0 - HOUR).toISOString(),
      conversionValue: 250,
      currency: 'USD',
      eventSource: 'OTHER',
      adIdentifiers: { gclid: 'EAIaIQobChMI-stage' },
      userData: { userIdentifiers: [{ emailAddress: sha256Hex('a@example.com') }] },
      consent: { adUserData: 'CONSENT_GRANTED', adPersonalization: 'CONSENT_DENIED' },
    });
    expect(
      buildDataManagerRequest(row ? [row] : [], {
        customerId: '1234567890',
        loginCustomerId: undefined,
        actions: { won: '1', lost: undefined },
        baseUrl: 'https://dm.test',
        clickWindowMs: 90 * DAY,
      }).body,
    ).toMatchObject({
      destinations: [
        {
          reference: 'action-777000111',
          operatingAccount: { accountId: '1234567890', accountType: 'GOOGLE_ADS' },
          productDestinationId: '777000111',
        },
      ],
    });
  });

  it('gets nothing for a stage whose entry names no Google action', () => {
    expect(
      decideDataManagerLeadStage(conversion({ targets: { meta: { eventName: 'X' } } }), {
        clickWindowMs: DAY,
      }),
    ).toMatchObject({ kind: 'skip', reason: 'not_configured' });
  });
});

describe('decideAdsApiLeadStage', () => {
  it('sends a ClickConversion on the stage action with orderId <lead>:<stage>', () => {
    const decision = decideAdsApiLeadStage(conversion(), {
      customerId: '1234567890',
      clickWindowMs: 90 * DAY,
    });

    expect(decision).toMatchObject({ kind: 'send', batch: 'conversions' });
    expect(decision.kind === 'send' && decision.row).toEqual({
      gclid: 'EAIaIQobChMI-stage',
      conversionAction: 'customers/1234567890/conversionActions/777000111',
      conversionDateTime: '2026-11-20 08:00:00+00:00',
      conversionValue: 250,
      currencyCode: 'USD',
      orderId: 'lead_9:qualified',
      userIdentifiers: [{ hashedEmail: sha256Hex('a@example.com') }],
      consent: { adUserData: 'GRANTED' },
    });
  });
});

describe('decideGa4LeadStage', () => {
  it('sends the configured lead event with transaction_id <lead>:<stage> at the stage time', () => {
    const decision = decideGa4LeadStage(conversion({ reachedAt: T0 - 2 * HOUR }), {
      clientIdFallback: 'none',
    });

    expect(decision).toMatchObject({ kind: 'send' });
    expect(decision.kind === 'send' && decision.row).toEqual({
      client_id: '1234567890.1700000000',
      consent: { ad_user_data: 'GRANTED', ad_personalization: 'DENIED' },
      event: {
        name: 'qualify_lead',
        params: {
          currency: 'USD',
          value: 250,
          transaction_id: 'lead_9:qualified',
          lead_source: 'Salesforce',
          funnel_stage: 'qualified',
        },
        timestamp_micros: (T0 - 2 * HOUR) * 1000,
      },
    });
  });
});

describe('decideTiktokLeadStage', () => {
  it('sends the stage to the CRM Event Set under its own event name, event_id <lead>:<stage>', () => {
    const decision = decideTiktokLeadStage(conversion(), { crmEventSetId: 'CTESTCRMSET456' });

    expect(decision).toMatchObject({ kind: 'send', batch: 'crm' });
    expect(decision.kind === 'send' && decision.row).toEqual({
      event: 'Contact',
      event_time: Math.floor((T0 - 2 * HOUR) / 1000),
      event_id: 'lead_9:qualified',
      user: {
        email: [sha256Hex('a@example.com')],
        external_id: [sha256Hex('lead_9')],
        ttclid: 'E.C.P.stage-ttclid',
      },
      properties: { value: 250, currency: 'USD', funnel_stage: 'qualified', lead_event_source: 'Salesforce' },
      lead: { lead_event_source: 'Salesforce' },
    });
    expect(decideTiktokLeadStage(conversion(), { crmEventSetId: undefined })).toMatchObject({
      kind: 'skip',
      reason: 'not_configured',
    });
  });
});
