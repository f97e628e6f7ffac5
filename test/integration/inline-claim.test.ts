import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Runtime } from '../../functions/runtime';
import { dispatchSubjects } from '../../lib/pipeline/dispatch';
import { recordClose } from '../../lib/pipeline/record-close';
import { createClock, MINUTE, T0, type TestClock } from '../support/clock';
import { closeInput, storeLead } from '../support/conversions';
import { createTestTable, type TestTable } from '../support/dynamo';
import { deliveriesOf, dispatchInline, runBackfill } from '../support/pipeline';
import { type Platforms, startPlatforms } from '../support/platforms';
import { createTestRuntime } from '../support/runtime';
import { dueItems } from '../support/table-items';
import { countCommands } from '../support/write-counter';

/**
 * The recorder's claim (issue 19): the call that records a close version dispatches it itself and writes
 * nothing before its uploads, because the claim written with the close keeps everyone else away — the
 * backfill (even a retryNow run) and any other inline call — until it ends; then the backfill takes over.
 */
let table: TestTable;
let platforms: Platforms;
let clock: TestClock;
let runtime: Runtime;
let counter: ReturnType<typeof countCommands>;
let sequence = 0;
const nextLeadId = () => `claim-lead-${++sequence}`;
const CLAIM_MS = 5 * MINUTE;

beforeEach(async () => {
  clock = createClock();
  table = await createTestTable();
  counter = countCommands(table.client);
  platforms = await startPlatforms({ now: clock.now });
  runtime = createTestRuntime(table, platforms.env, { now: clock.now });
});

afterEach(async () => {
  expect(platforms.violations()).toEqual([]);
  await platforms.close();
});

async function recordClaimed(leadId: string) {
  await storeLead(runtime.store, leadId);
  const result = await recordClose(runtime.store, closeInput(leadId), clock.now(), {
    claimUntil: clock.now() + CLAIM_MS,
  });
  if (!result.close) throw new Error('not recorded');
  return result.close;
}

describe('a close recorded under its recorder’s claim', () => {
  it('is written with the claim and enters the due index when the claim ends', async () => {
    const close = await recordClaimed(nextLeadId());

    expect(close.claimedUntil).toBe(T0 + CLAIM_MS);
    expect(await dueItems(table)).toEqual([
      expect.objectContaining({ pk: `CLOSE#${close.subjectKey}`, dueAt: T0 + CLAIM_MS }),
    ]);
  });

  it('is uploaded by its owner with no write before the uploads: one result per delivery (Data Manager’s carrying its check), then planned', async () => {
    const close = await recordClaimed(nextLeadId());
    counter.reset();

    const summary = await dispatchSubjects({ ...runtime.pipeline, random: () => 0.5 }, [close.subjectKey], {
      deadline: clock.now() + 5000,
      subjects: new Map([[close.subjectKey, close]]),
      owned: true,
    });

    expect(summary.deliveries).toEqual({ 'google-ads': { accepted: 1 }, meta: { delivered: 1 } });
    expect(Object.fromEntries(counter.counts)).toEqual({
      BatchGetItemCommand: 1,
      PutItemCommand: 2,
      UpdateItemCommand: 1,
    });
    expect((await dueItems(table, 'PROCESSING')).map((item) => item.type)).toEqual(['delivery']);
    expect((await runtime.store.getClose(close.subjectKey))?.planned).toBe(true);
    expect(await dueItems(table)).toEqual([]);
  });

  it('is left alone by another inline call while claimed, and taken by it once the claim has ended', async () => {
    const close = await recordClaimed(nextLeadId());

    const during = await dispatchInline(runtime, [close.subjectKey]);

    expect(during.requests).toEqual({});
    expect(await deliveriesOf(runtime, close.subjectKey)).toEqual({});
    clock.advance(CLAIM_MS + 1);
    const after = await dispatchInline(runtime, [close.subjectKey]);
    expect(after.deliveries).toEqual({ 'google-ads': { accepted: 1 }, meta: { delivered: 1 } });
    expect(platforms.dataManager.eventsReceived).toBe(1);
  });

  it('is left alone by the backfill, retryNow included, until the claim ends; then the backfill delivers it', async () => {
    const close = await recordClaimed(nextLeadId());
    clock.advance(2 * MINUTE);

    expect((await runBackfill(runtime)).requests).toEqual({});
    expect((await runBackfill(runtime, { retryNow: true })).requests).toEqual({});
    expect(await deliveriesOf(runtime, close.subjectKey)).toEqual({});

    clock.advance(CLAIM_MS);
    const taken = await runBackfill(runtime);
    expect(taken.deliveries).toEqual({ 'google-ads': { accepted: 1 }, meta: { delivered: 1 } });
    expect(platforms.meta.eventsReceived).toBe(1);
  });

  it('loses its claim with its next version: a re-valued close is claimed by whoever records it', async () => {
    const leadId = nextLeadId();
    await recordClaimed(leadId);

    const revalued = await recordClose(
      runtime.store,
      closeInput(leadId, { value: 9000, sourceUpdatedAt: T0 }),
      clock.now(),
    );

    expect(revalued.action).toBe('updated');
    expect(revalued.close?.claimedUntil).toBeUndefined();
    expect((await runtime.store.getClose(leadId))?.claimedUntil).toBeUndefined();
  });
});
