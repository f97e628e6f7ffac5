import { describe, expect, it } from 'vitest';
import type { DeliveryRecord, LeadRecord } from '../../../lib/domain';
import { escapeHtml, html } from '../../../local/dashboard/html';
import { buildOverview } from '../../../local/dashboard/overview';
import { replayNotice } from '../../../local/dashboard/replay-notice';
import { buildTimeline } from '../../../local/dashboard/timeline';
import type { StatusData } from '../../../local/status-data';
import { deliveryRecord } from '../../support/deliveries';

const NOW = Date.parse('2026-11-23T16:00:00Z');
const DAY = 86_400_000;

describe('buildOverview', () => {
  const data: StatusData = {
    leads: [
      { leadId: 'a', capturedAt: NOW - 1000, updatedAt: NOW },
      { leadId: 'b', capturedAt: NOW - DAY, updatedAt: NOW },
      // Outside a 2-day window.
      { leadId: 'c', capturedAt: NOW - 3 * DAY, updatedAt: NOW },
    ],
    subjects: [
      { subjectKey: 'a', kind: 'close', crm: 'hubspot', outcome: 'won', at: NOW - 2000 },
      { subjectKey: 'b', kind: 'close', crm: 'salesforce', outcome: 'lost', at: NOW - DAY },
      { subjectKey: 'c', kind: 'close', crm: 'hubspot', outcome: 'reopened', at: NOW },
      { subjectKey: 'order:1', kind: 'order', at: NOW },
      { subjectKey: 'stage:qualified:a', kind: 'stage', crm: 'hubspot', stage: 'qualified', at: NOW - 3000 },
      {
        subjectKey: 'stage:qualified:c',
        kind: 'stage',
        crm: 'hubspot',
        stage: 'qualified',
        at: NOW - 3 * DAY,
      },
    ],
    deliveries: [
      deliveryRecord('a', { status: 'processed', destination: 'google-ads' }),
      deliveryRecord('a', { status: 'failed:100', rejectedByPlatform: true }),
      deliveryRecord('b', { status: 'skipped:consent' }),
      deliveryRecord('c', { status: 'retry', nextAttemptAt: NOW + 1000 }),
    ],
    dealPointers: [],
    checkpoints: [],
    deferredDeals: [],
  };

  it('counts leads, stages reached, closes won and lost and orders by UTC day, over the window ending today', () => {
    const overview = buildOverview(data, { now: NOW, days: 2 });

    expect(overview.days).toEqual(['2026-11-22', '2026-11-23']);
    expect(overview.byDay).toEqual({
      leads: [1, 1],
      stages: [0, 1],
      won: [0, 1],
      lost: [1, 0],
      orders: [0, 1],
    });
    expect(overview.period).toEqual({ leads: 2, stages: 1, won: 1, lost: 1, orders: 1 });
    expect(overview.stages).toEqual({ qualified: 1 });
  });

  it("gives each destination the status report's outcomes and counts", () => {
    const overview = buildOverview(data, { now: NOW, days: 2 });

    expect(overview.deliveries).toBe(4);
    expect(overview.destinations.map(({ destination, total }) => [destination, total])).toEqual([
      ['google-ads', 1],
      ['meta', 3],
    ]);
    expect(overview.destinations[1]?.outcomes).toEqual({
      accepted: 0,
      processed: 0,
      partialSuccess: 0,
      failedAtPlatform: { '100': 1 },
      notSent: { consent: 1 },
      inProgress: 1,
    });
    expect(overview.stuck.map((item) => item.closeKey)).toEqual(['c']);
  });
});

describe('buildTimeline', () => {
  const lead = {
    leadId: 'lead-1',
    source: 'reshape',
    capturedAt: 1000,
    updatedAt: 1000,
    revision: 1,
    clickIds: { gclid: 'Cj0-secret-click', fbp: 'fb.1.2.3' },
    identity: {},
    consent: {
      marketing: true,
      analytics: true,
      personalization: true,
      adUserData: true,
      adPersonalization: true,
    },
    ipAddress: '2001:db8:85a3::8a2e:370:7334',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
  } as unknown as LeadRecord;
  const delivery: DeliveryRecord = deliveryRecord('lead-1', {
    history: [
      { at: 3000, kind: 'upload', status: 'accepted', responseId: 'req-1' },
      { at: 4000, kind: 'processing', status: 'processed', responseId: 'req-1', code: 'SUCCESS' },
    ],
  });

  it('orders capture, close and each attempt, and keeps only what is not personal of the lead', () => {
    const timeline = buildTimeline(
      'lead-1',
      {
        subjectKey: 'lead-1',
        leadId: 'lead-1',
        crm: 'hubspot',
        dealId: '42',
        outcome: 'won',
        value: 10,
        currency: 'EUR',
        closedAt: 2000,
        sourceUpdatedAt: 2000,
        version: 1,
        fingerprint: 'won|10.00|EUR',
        recordedAt: 2000,
        updatedAt: 2000,
        planned: true,
      },
      lead,
      [delivery],
    );

    expect(timeline.events.map((event) => [event.at, event.kind, event.title])).toEqual([
      [1000, 'capture', 'lead captured'],
      [2000, 'close', 'closed won'],
      [3000, 'upload', 'meta upload: accepted'],
      [4000, 'processing', 'meta processing result: processed'],
    ]);
    expect(timeline.lead).toEqual({
      capturedAt: 1000,
      source: 'reshape',
      clickIds: ['fbp', 'gclid'],
      marketingConsent: true,
      ip: '2001:db8:…',
      browser: 'Mozilla/5.0',
    });
    expect(JSON.stringify(timeline)).not.toMatch(/secret-click|8a2e|X11/);
  });
});

describe('replayNotice', () => {
  it('says per destination what the replay did, and names the fields of a refusal', () => {
    expect(
      replayNotice({
        ok: true,
        replay: {
          subjects: [
            {
              subject: 'lead-1',
              found: true,
              deliveries: [
                { destination: 'meta', replay: 'sent', status: 'delivered' },
                { destination: 'google-ads', replay: 'not_replayed', reason: 'outside_deduplication_window' },
              ],
            },
          ],
          more: false,
        },
      }),
    ).toBe('replayed: meta: sent → delivered · google-ads: not replayed (outside_deduplication_window)');
    expect(
      replayNotice({
        ok: false,
        error: 'bad input',
        issues: [{ field: 'replay.subjects', message: 'must name one' }],
      }),
    ).toBe('replay refused: bad input (replay.subjects: must name one)');
  });
});

describe('html', () => {
  it('escapes every interpolated value unless it is already markup', () => {
    expect(html`<p title="${'"x"'}">${'<b>'}${html`<i>ok</i>`}</p>`.html).toBe(
      '<p title="&quot;x&quot;">&lt;b&gt;<i>ok</i></p>',
    );
    expect(escapeHtml(`<a href='x'>&`)).toBe('&lt;a href=&#39;x&#39;&gt;&amp;');
  });
});
