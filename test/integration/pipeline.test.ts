import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCollectHandler } from '../../functions/collect';
import type { Runtime } from '../../functions/runtime';
import { sha256Hex } from '../../lib/leads/hash';
import { dispatchSubjects } from '../../lib/pipeline/dispatch';
import { createLambdaContext } from '../../local/lambda-context';
import { createClock, DAY, HOUR, T0, type TestClock } from '../support/clock';
import {
  CONTACT,
  closeInput,
  contactIdentity,
  GCLID,
  leadCreatedBody,
  PERSON,
  storeClose,
  storeLead,
} from '../support/conversions';
import type { TestTable } from '../support/dynamo';
import { createTestTable } from '../support/dynamo';
import { collectEvent } from '../support/http-event';
import { deliveriesOf, dispatchInline, runBackfill } from '../support/pipeline';
import { ACCOUNTS, type Platforms, startPlatforms } from '../support/platforms';
import { createTestRuntime } from '../support/runtime';
import { dueItems } from '../support/table-items';

let table: TestTable;
let platforms: Platforms;
let clock: TestClock;
let runtime: Runtime;
let sequence = 0;
const nextLeadId = () => `pipe-lead-${++sequence}`;

beforeEach(async () => {
  clock = createClock();
  table = await createTestTable();
  platforms = await startPlatforms({ now: clock.now });
  runtime = createTestRuntime(table, platforms.env, { now: clock.now });
});

afterEach(async () => {
  expect(platforms.violations()).toEqual([]);
  await platforms.close();
});

async function collect(body: unknown) {
  const handler = createCollectHandler(runtime);
  return handler(collectEvent(body), createLambdaContext('collect'));
}

describe('waiting for the lead', () => {
  it('waits when the lead is unknown, then sends at once when collect stores the lead', async () => {
    const leadId = nextLeadId();
    // The deal's contact is the lead's person (it shares the lead's phone), so its email completes the lead's.
    const sameContact = contactIdentity({ emails: [CONTACT.email], phones: [CONTACT.phone, PERSON.phone] });
    await storeClose(runtime.store, closeInput(leadId, { contactIdentity: sameContact }));

    await dispatchInline(runtime, [leadId]);
    const waiting = await deliveriesOf(runtime, leadId);
    expect(waiting['google-ads']).toMatchObject({
      status: 'waiting_for_lead',
      attempts: 0,
      nextAttemptAt: T0 + HOUR,
    });
    expect(waiting.meta?.status).toBe('waiting_for_lead');
    expect(platforms.dataManager.requests).toHaveLength(0);

    clock.advance(10 * 60_000);
    const answer = await collect(leadCreatedBody(leadId));

    expect(answer).toMatchObject({ statusCode: 202 });
    const delivered = await deliveriesOf(runtime, leadId);
    expect(delivered['google-ads']?.status).toBe('accepted');
    expect(delivered.meta?.status).toBe('delivered');
    // Joined to the lead: the click id and the lead's identifiers, completed with the CRM contact's.
    const event = platforms.dataManager.conversions.get(`${ACCOUNTS.won}|${leadId}`)?.event;
    expect(event?.adIdentifiers).toEqual({ gclid: GCLID });
    expect(JSON.stringify(event?.userData)).toContain(sha256Hex('janedoe@gmail.com'));
    expect(JSON.stringify(event?.userData)).toContain(sha256Hex(CONTACT.email));
  });

  it('collect stores the lead and answers 202 even when the upload fails; the delivery retries', async () => {
    const leadId = nextLeadId();
    await storeClose(runtime.store, closeInput(leadId));
    await dispatchInline(runtime, [leadId]);
    platforms.dataManager.failNext({
      status: 500,
      body: { error: { code: 500, status: 'INTERNAL', message: 'x' } },
    });

    const answer = await collect(leadCreatedBody(leadId));

    expect(answer).toMatchObject({ statusCode: 202 });
    expect(await runtime.store.getLead(leadId)).toBeDefined();
    expect((await deliveriesOf(runtime, leadId))['google-ads']?.status).toBe('retry');
  });

  it('re-checks hourly, and after the wait sends with the CRM contact identifiers alone', async () => {
    const leadId = nextLeadId();
    await storeClose(runtime.store, closeInput(leadId, { contactIdentity: contactIdentity() }));
    await dispatchInline(runtime, [leadId]);

    clock.advance(2 * HOUR);
    const recheck = await runBackfill(runtime);
    expect(recheck.requests).toEqual({});
    expect((await deliveriesOf(runtime, leadId)).meta).toMatchObject({
      status: 'waiting_for_lead',
      nextAttemptAt: T0 + 3 * HOUR,
    });

    clock.set(T0 + 72 * HOUR);
    await runBackfill(runtime);

    const event = platforms.dataManager.conversions.get(`${ACCOUNTS.won}|${leadId}`)?.event;
    expect(event?.adIdentifiers).toBeUndefined();
    expect(event?.userData).toEqual({
      userIdentifiers: [
        { emailAddress: sha256Hex(CONTACT.email) },
        { phoneNumber: sha256Hex(CONTACT.phone) },
      ],
    });
    expect((await deliveriesOf(runtime, leadId)).meta?.status).toBe('delivered');
  });

  it('sends a close without a lead ID at once with the contact identifiers', async () => {
    const close = await storeClose(
      runtime.store,
      closeInput(undefined, { dealId: 'D-77', contactIdentity: contactIdentity() }),
    );

    await dispatchInline(runtime, [close.subjectKey]);

    expect(close.subjectKey).toBe('hubspot-deal:D-77');
    expect((await deliveriesOf(runtime, close.subjectKey))['google-ads']?.status).toBe('accepted');
    expect(platforms.dataManager.conversions.get(`${ACCOUNTS.won}|hubspot-deal:D-77`)).toBeDefined();
  });
});

describe('concurrency', () => {
  it('two inline dispatches of the same close upload it once', async () => {
    const leadId = nextLeadId();
    await storeLead(runtime.store, leadId);
    await storeClose(runtime.store, closeInput(leadId));

    const [first, second] = await Promise.all([
      dispatchInline(runtime, [leadId]),
      dispatchInline(runtime, [leadId]),
    ]);

    expect(platforms.dataManager.eventsReceived).toBe(1);
    expect(platforms.meta.eventsReceived).toBe(1);
    expect((first.requests['google-ads'] ?? 0) + (second.requests['google-ads'] ?? 0)).toBe(1);
    expect((await deliveriesOf(runtime, leadId))['google-ads']).toMatchObject({
      status: 'accepted',
      attempts: 1,
    });
  });

  it('the backfill leaves a close to the inline dispatch that claimed it', async () => {
    const leadId = nextLeadId();
    await storeLead(runtime.store, leadId);
    await storeClose(runtime.store, closeInput(leadId));

    const [inline, backfill] = await Promise.all([dispatchInline(runtime, [leadId]), runBackfill(runtime)]);

    expect(platforms.dataManager.eventsReceived).toBe(1);
    expect(platforms.meta.eventsReceived).toBe(1);
    expect(inline.conflicts + backfill.conflicts).toBeLessThanOrEqual(2);
    const deliveries = await deliveriesOf(runtime, leadId);
    expect(deliveries['google-ads']?.status).toBe('accepted');
    expect(deliveries.meta?.status).toBe('delivered');
    expect((await runtime.store.getClose(leadId))?.planned).toBe(true);
    expect(await dueItems(table)).toEqual([]);
  });

  it('a close re-valued while its first version uploads is re-planned, and the stale result is dropped', async () => {
    const leadId = nextLeadId();
    await storeLead(runtime.store, leadId);
    await storeClose(runtime.store, closeInput(leadId));
    platforms.dataManager.delayNext(300);

    const first = dispatchInline(runtime, [leadId]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await storeClose(runtime.store, closeInput(leadId, { value: 7000, sourceUpdatedAt: T0 }), clock.now());
    const second = dispatchInline(runtime, [leadId]);
    await Promise.all([first, second]);

    const delivery = (await deliveriesOf(runtime, leadId))['google-ads'];
    expect(delivery).toMatchObject({
      status: 'accepted',
      subjectVersion: 2,
      delivered: { version: 2, value: 7000 },
    });
    expect(platforms.dataManager.conversions.get(`${ACCOUNTS.won}|${leadId}`)?.event.conversionValue).toBe(
      7000,
    );
  });
});

describe('processDueWork', () => {
  it('retries everything due at once with retryNow, ignoring back-off', async () => {
    const leadId = nextLeadId();
    await storeLead(runtime.store, leadId);
    await storeClose(runtime.store, closeInput(leadId));
    platforms.meta.failNext(platforms.meta.errorReply(2));
    await dispatchInline(runtime, [leadId]);
    expect((await deliveriesOf(runtime, leadId)).meta?.status).toBe('retry');

    expect((await runBackfill(runtime)).requests).toEqual({});
    const summary = await runBackfill(runtime, { retryNow: true });

    expect(summary.deliveries).toEqual({ meta: { delivered: 1 } });
  });

  it('stops before the deadline, leaving the work due', async () => {
    const leadId = nextLeadId();
    await storeLead(runtime.store, leadId);
    await storeClose(runtime.store, closeInput(leadId));

    const summary = await runBackfill(runtime, { deadline: clock.now() + 10_000, reserveMs: 30_000 });

    expect(summary).toMatchObject({ read: 0, more: true });
    expect((await dueItems(table)).length).toBe(1);
  });

  it('records a delivery for a destination no longer configured as skipped, once', async () => {
    const leadId = nextLeadId();
    await storeLead(runtime.store, leadId);
    await storeClose(runtime.store, closeInput(leadId));
    platforms.meta.failNext(platforms.meta.errorReply(2));
    await dispatchInline(runtime, [leadId]);

    const { META_ACCESS_TOKEN: _removed, ...withoutMeta } = platforms.env;
    const googleOnly = createTestRuntime(table, withoutMeta, { now: clock.now });
    clock.advance(HOUR);
    await runBackfill(googleOnly);

    expect((await deliveriesOf(runtime, leadId)).meta?.status).toBe('skipped:destination_disabled');
  });

  it('marks a delivery whose close is gone as failed instead of reading it forever', async () => {
    await runtime.store.putDelivery(
      {
        subjectKey: 'ghost',
        destination: 'meta',
        status: 'retry',
        subjectVersion: 1,
        attempts: 1,
        createdAt: T0 - DAY,
        updatedAt: T0 - DAY,
        nextAttemptAt: T0 - HOUR,
      },
      undefined,
    );

    await runBackfill(runtime);

    expect(
      (await runtime.store.getDeliveries([{ subjectKey: 'ghost', destination: 'meta' }])).values().next()
        .value,
    ).toMatchObject({
      status: 'failed:close_missing',
    });
  });
});

describe('dispatchSubjects', () => {
  it('keeps the closes due when no destination is enabled', async () => {
    const leadId = nextLeadId();
    await storeClose(runtime.store, closeInput(leadId));

    const summary = await dispatchSubjects({ ...runtime.pipeline, destinations: [] }, [leadId], {
      deadline: T0 + 2500,
    });

    expect(summary).toMatchObject({ subjects: 1, deliveries: {} });
    expect((await dueItems(table)).map((item) => item.pk)).toEqual([`CLOSE#${leadId}`]);
  });
});
