import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Runtime } from '../../functions/runtime';
import { createMetricsRecorder, type MetricsRecorder } from '../../lib/observability/metrics';
import { statusOutput } from '../../local/status-output';
import { assertSummary, invokeBackfill } from '../support/backfill';
import { createClock, HOUR, MINUTE, type TestClock } from '../support/clock';
import { closeInput, storeClose, storeLead } from '../support/conversions';
import { createTestTable, type TestTable } from '../support/dynamo';
import { deliveriesOf, dispatchInline } from '../support/pipeline';
import { type Platforms, startPlatforms } from '../support/platforms';
import { createTestRuntime } from '../support/runtime';
import { dueItems } from '../support/table-items';

let table: TestTable;
let platforms: Platforms;
let clock: TestClock;
let runtime: Runtime;
let metrics: MetricsRecorder;
/** What the handlers flushed (each invocation publishes its counts once, at its end). */
let published: { name: string; dimensions: Readonly<Record<string, string>>; value: number }[];
let sequence = 0;
const nextLeadId = () => `proc-lead-${++sequence}`;

async function setUp(env: Record<string, string> = {}) {
  clock = createClock();
  table = await createTestTable();
  platforms = await startPlatforms({ now: clock.now });
  published = [];
  metrics = createMetricsRecorder((name, dimensions, value) => published.push({ name, dimensions, value }));
  runtime = createTestRuntime(table, { ...platforms.env, ...env }, { now: clock.now, metrics });
}

beforeEach(async () => {
  await setUp();
});

afterEach(async () => {
  expect(platforms.violations()).toEqual([]);
  await platforms.close();
});

async function wonCloses(count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, nextLeadId);
  for (const id of ids) {
    await storeLead(runtime.store, id);
    await storeClose(runtime.store, closeInput(id));
  }
  return ids;
}

const status = async (...argv: string[]) =>
  statusOutput(runtime.store, argv, { now: clock.now(), table: 'test' });
const google = async (leadId: string) => (await deliveriesOf(runtime, leadId))['google-ads'];
const backfill = async () => assertSummary(await invokeBackfill(runtime, clock));
const rejections = () =>
  [...published, ...metrics.snapshot()]
    .filter((entry) => entry.name === 'PlatformRejections')
    .map(({ dimensions, value }) => ({ ...dimensions, value }));

describe('Google Data Manager processing results', () => {
  it('keeps an upload accepted until the request is GOOGLE_STATUS_CHECK_MINUTES old, then records SUCCESS as processed', async () => {
    const [leadId] = await wonCloses(1);
    await dispatchInline(runtime, [leadId as string]);
    expect(await google(leadId as string)).toMatchObject({
      status: 'accepted',
      platformResponseId: 'dm-request-1',
    });

    clock.advance(29 * MINUTE);
    const early = await backfill();
    expect(platforms.dataManager.count('requestStatus')).toBe(0);
    expect(early.processing).toEqual({ checked: 0, pending: 0, deliveries: {} });

    clock.advance(MINUTE);
    const summary = await backfill();
    expect(
      platforms.dataManager.requestsTo('requestStatus').map((request) => request.query.get('requestId')),
    ).toEqual(['dm-request-1']);
    expect(summary.processing).toEqual({
      checked: 1,
      pending: 0,
      deliveries: { 'google-ads': { processed: 1 } },
    });
    const delivery = await google(leadId as string);
    expect(delivery).toMatchObject({
      status: 'processed',
      processing: { requestId: 'dm-request-1', status: 'SUCCESS', events: 1, errors: [] },
    });
    expect(delivery?.history?.map((entry) => [entry.kind, entry.status, entry.responseId])).toEqual([
      ['upload', 'accepted', 'dm-request-1'],
      ['processing', 'processed', 'dm-request-1'],
    ]);

    const story = await status('--subject', leadId as string);
    expect(story).toContain('google-ads: processed after 1 attempt(s) · request dm-request-1');
    expect(story).toContain('payload as built → POST');
    expect(story).toMatch(/userData\.userIdentifiers\[0\]\.emailAddress\s+sha256:[0-9a-f]{12}…/);
    expect(story).toMatch(/upload\s+accepted · dm-request-1/);
    expect(story).toMatch(/processing\s+processed · dm-request-1/);
    expect(story).toContain('processing result: SUCCESS for request dm-request-1 (1 event(s)');
    expect(story).toContain('meta: delivered after 1 attempt(s)');
    expect(story).not.toMatch(/[0-9a-f]{64}/);
    const storyJson = JSON.parse(await status('--subject', leadId as string, '--json'));
    expect(
      storyJson.destinations.find((entry: { destination: string }) => entry.destination === 'google-ads'),
    ).toMatchObject({
      status: 'processed',
      processing: { status: 'SUCCESS', requestId: 'dm-request-1' },
      history: [
        { kind: 'upload', status: 'accepted' },
        { kind: 'processing', status: 'processed' },
      ],
    });
    expect(await status('--subject', 'no-such-lead')).toBe('no-such-lead: no close or order recorded');

    // Repeating the run asks nothing again: the request's check left the index.
    clock.advance(HOUR);
    await backfill();
    expect(platforms.dataManager.count('requestStatus')).toBe(1);
  });

  it('fails a one-event request Google dropped with CLICK_NOT_FOUND, with that reason, counted as a platform rejection', async () => {
    const [leadId] = await wonCloses(1);
    await dispatchInline(runtime, [leadId as string]);
    platforms.dataManager.setOutcome('dm-request-1', { status: 'FAILED', errors: { CLICK_NOT_FOUND: 1 } });

    clock.advance(30 * MINUTE);
    await backfill();

    expect(await google(leadId as string)).toMatchObject({
      status: 'failed:CLICK_NOT_FOUND',
      lastErrorCode: 'CLICK_NOT_FOUND',
      lastError: '1 of 1 in this request failed: CLICK_NOT_FOUND',
      rejectedByPlatform: true,
      processing: { status: 'FAILED', errors: [{ reason: 'CLICK_NOT_FOUND', count: 1 }] },
    });
    expect(rejections()).toEqual([{ destination: 'google-ads', reason: 'CLICK_NOT_FOUND', value: 1 }]);
    const report = JSON.parse(await status('--json'));
    expect(report.totals['google-ads']).toEqual({ 'failed:CLICK_NOT_FOUND': 1 });
    expect(report.outcomes['google-ads']).toMatchObject({
      accepted: 0,
      processed: 0,
      failedAtPlatform: { CLICK_NOT_FOUND: 1 },
      notSent: {},
    });
    expect(report.lastFailures).toContainEqual(
      expect.objectContaining({
        closeKey: leadId,
        destination: 'google-ads',
        status: 'failed:CLICK_NOT_FOUND',
        lastErrorCode: 'CLICK_NOT_FOUND',
        lastError: '1 of 1 in this request failed: CLICK_NOT_FOUND',
      }),
    );
    expect(await status()).toContain(
      'google-ads: accepted 0 · processed 0 · partial_success 0 · failed at the platform: CLICK_NOT_FOUND 1',
    );
    // Not a transient reason: nothing is uploaded again.
    clock.advance(24 * HOUR);
    await backfill();
    expect(platforms.dataManager.count('ingest')).toBe(1);
  });

  it('keeps the counts of a multi-event PARTIAL_SUCCESS on every delivery of the request, said plainly', async () => {
    const ids = await wonCloses(3);
    await dispatchInline(runtime, ids);
    expect(platforms.dataManager.ingested).toEqual([{ requestId: 'dm-request-1', events: 3 }]);
    platforms.dataManager.setOutcome('dm-request-1', {
      status: 'PARTIAL_SUCCESS',
      errors: { CLICK_NOT_FOUND: 1 },
    });

    clock.advance(30 * MINUTE);
    const summary = await backfill();

    expect(summary.processing?.deliveries).toEqual({ 'google-ads': { partial_success: 3 } });
    for (const id of ids) {
      expect(await google(id)).toMatchObject({
        status: 'partial_success',
        lastError: '1 of 3 in this request failed: CLICK_NOT_FOUND',
        processing: {
          requestId: 'dm-request-1',
          status: 'PARTIAL_SUCCESS',
          events: 3,
          errors: [{ reason: 'CLICK_NOT_FOUND', count: 1 }],
        },
      });
    }
    expect(JSON.parse(await status('--json')).outcomes['google-ads']).toMatchObject({ partialSuccess: 3 });
    // Counted once for the request, not once per delivery.
    expect(rejections()).toEqual([{ destination: 'google-ads', reason: 'CLICK_NOT_FOUND', value: 1 }]);
  });

  it('asks again at a later run while Google is PROCESSING, then records SUCCESS', async () => {
    await setUp({ GOOGLE_STATUS_CHECK_MINUTES: '0' });
    const [leadId] = await wonCloses(1);
    await dispatchInline(runtime, [leadId as string]);
    platforms.dataManager.setOutcome('dm-request-1', { status: 'PROCESSING' });

    const first = await backfill();
    expect(first.processing).toMatchObject({ checked: 1, pending: 1 });
    expect(await google(leadId as string)).toMatchObject({ status: 'accepted' });

    platforms.dataManager.setOutcome('dm-request-1', { status: 'SUCCESS' });
    clock.advance(15 * MINUTE);
    await backfill();

    expect(platforms.dataManager.count('requestStatus')).toBe(2);
    expect(await google(leadId as string)).toMatchObject({ status: 'processed' });
  });

  it('re-uploads a delivery Google failed for a transient reason once, and records the new request', async () => {
    const [leadId] = await wonCloses(1);
    await dispatchInline(runtime, [leadId as string]);
    platforms.dataManager.setOutcome('dm-request-1', { status: 'FAILED', errors: { INTERNAL_ERROR: 1 } });

    clock.advance(30 * MINUTE);
    await backfill();
    const retrying = await google(leadId as string);
    expect(retrying).toMatchObject({ status: 'retry', lastErrorCode: 'INTERNAL_ERROR' });
    expect(platforms.dataManager.count('ingest')).toBe(1);

    clock.advance(HOUR);
    await backfill();
    expect(platforms.dataManager.count('ingest')).toBe(2);
    expect(await google(leadId as string)).toMatchObject({
      status: 'accepted',
      platformResponseId: 'dm-request-2',
    });

    clock.advance(30 * MINUTE);
    await backfill();
    expect(platforms.dataManager.count('ingest')).toBe(2);
    expect(platforms.dataManager.conversions.size).toBe(1);
    expect(await google(leadId as string)).toMatchObject({
      status: 'processed',
      processing: { requestId: 'dm-request-2', status: 'SUCCESS' },
    });
  });

  it('never lets an old request result overwrite a delivery uploaded again meanwhile', async () => {
    // Two closes in one request: its check is an item of its own, outliving the re-upload below.
    const [leadId, other] = (await wonCloses(2)) as [string, string];
    await dispatchInline(runtime, [leadId, other]);
    // One deal is re-valued: version 2 is uploaded under a new request before the first one's check.
    await storeClose(runtime.store, closeInput(leadId, { value: 5200 }));
    clock.advance(2 * MINUTE);
    await dispatchInline(runtime, [leadId]);
    expect(await google(leadId)).toMatchObject({ status: 'accepted', platformResponseId: 'dm-request-2' });
    platforms.dataManager.setOutcome('dm-request-1', { status: 'FAILED', errors: { CLICK_NOT_FOUND: 2 } });

    clock.advance(29 * MINUTE);
    await backfill();

    expect(platforms.dataManager.count('requestStatus')).toBe(1);
    expect(await google(leadId)).toMatchObject({ status: 'accepted', platformResponseId: 'dm-request-2' });
    // The other delivery the old request carried takes its result.
    expect(await google(other)).toMatchObject({
      status: 'failed:CLICK_NOT_FOUND',
      platformResponseId: 'dm-request-1',
    });
  });

  it('keeps the check of a one-event request on its delivery: the re-upload that replaces it ends it', async () => {
    const [leadId] = (await wonCloses(1)) as [string];
    await dispatchInline(runtime, [leadId]);
    expect((await google(leadId))?.processingCheck).toMatchObject({ checks: 0 });
    expect(await dueItems(table, 'PROCESSING')).toHaveLength(1);
    await storeClose(runtime.store, closeInput(leadId, { value: 5200 }));
    clock.advance(2 * MINUTE);
    await dispatchInline(runtime, [leadId]);
    platforms.dataManager.setOutcome('dm-request-1', { status: 'FAILED', errors: { CLICK_NOT_FOUND: 1 } });

    clock.advance(29 * MINUTE);
    await backfill();

    // Only the new request's check is left (due at 32 minutes): the old one is never asked for.
    expect(platforms.dataManager.count('requestStatus')).toBe(0);
    const due = await dueItems(table, 'PROCESSING');
    expect(due.map((item) => [item.type, (item.processingCheck as { checks: number }).checks])).toEqual([
      ['delivery', 0],
    ]);
    expect(await google(leadId)).toMatchObject({ status: 'accepted', platformResponseId: 'dm-request-2' });

    platforms.dataManager.setOutcome('dm-request-2', { status: 'SUCCESS' });
    clock.advance(2 * MINUTE);
    await backfill();
    const processed = await google(leadId);
    expect(processed).toMatchObject({ status: 'processed', platformResponseId: 'dm-request-2' });
    expect(processed?.processingCheck).toBeUndefined();
    expect(await dueItems(table, 'PROCESSING')).toEqual([]);
  });
});
