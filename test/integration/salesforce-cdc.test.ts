import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Runtime } from '../../functions/runtime';
import { type ChangeEventResult, createSalesforceCdcHandler } from '../../functions/salesforce-cdc';
import { createLambdaContext } from '../../local/lambda-context';
import { createClock, MINUTE, T0, type TestClock } from '../support/clock';
import { storeLead } from '../support/conversions';
import { createTestTable, type TestTable } from '../support/dynamo';
import { deliveriesOf } from '../support/pipeline';
import { ACCOUNTS, type Platforms, startPlatforms } from '../support/platforms';
import { createRecordingLogger } from '../support/recording-logger';
import { createTestRuntime } from '../support/runtime';
import { scanTable } from '../support/table-items';

/**
 * Salesforce Change Data Capture through Event Relay: `OpportunityChangeEvent`s as EventBridge hands them to
 * the salesforce-cdc function, recorded through the Salesforce intake and delivered, de-duplicated on the
 * replay ID; a change carrying only its changed fields completes itself from the recorded close; deletions
 * and undeletions take the close back and put it back.
 */
const SAMPLE = JSON.parse(
  readFileSync(
    join(__dirname, '..', '..', 'events', 'salesforce', 'cdc-opportunity-closed-won.json'),
    'utf8',
  ),
) as { detail: { payload: Record<string, unknown> & { ChangeEventHeader: Record<string, unknown> } } };
const ORG = '00D5g000004ABCDEA4';
const OPPORTUNITY = '0065g00000CdCaAAAV';

let table: TestTable;
let platforms: Platforms;
let clock: TestClock;
let runtime: Runtime;
let log: ReturnType<typeof createRecordingLogger>;
let replay = 1000;

/** A change event like the sample's, with this header and these fields (the sample's when not given). */
function changeEvent(options: {
  changeType?: string;
  fields?: Record<string, unknown>;
  changedFields?: string[];
  at?: number;
  org?: string;
  replayId?: string;
}) {
  const { ChangeEventHeader: header, ...sampleFields } = SAMPLE.detail.payload;
  return {
    ...SAMPLE,
    source: `aws.partner/salesforce.com/${options.org ?? ORG}/0YL5g0000004C9aGAE`,
    detail: {
      ...SAMPLE.detail,
      replayId: options.replayId ?? String(replay++),
      payload: {
        ChangeEventHeader: {
          ...header,
          changeType: options.changeType ?? 'UPDATE',
          commitTimestamp: options.at ?? T0 - 20 * MINUTE,
          changedFields: options.changedFields ?? header.changedFields,
        },
        ...(options.fields ?? {
          ...sampleFields,
          LastModifiedDate: new Date(options.at ?? T0 - 20 * MINUTE).toISOString(),
        }),
      },
    },
  };
}

async function deliver(event: unknown): Promise<ChangeEventResult> {
  const handler = createSalesforceCdcHandler(runtime);
  return (await handler(event, createLambdaContext('salesforce-cdc'))) as ChangeEventResult;
}

beforeEach(async () => {
  clock = createClock();
  table = await createTestTable();
  platforms = await startPlatforms({ now: clock.now });
  log = createRecordingLogger();
  runtime = createTestRuntime(
    table,
    { ...platforms.env, SALESFORCE_ORG_ID: ORG },
    { now: clock.now, logger: log.logger },
  );
  await storeLead(runtime.store, 'lead_cdc001');
});

afterEach(async () => {
  expect(platforms.violations()).toEqual([]);
  await platforms.close();
});

describe('the salesforce-cdc function', () => {
  it('records a closed-won OpportunityChangeEvent and delivers it once, however often EventBridge repeats it', async () => {
    const event = changeEvent({ replayId: '18706627' });

    expect(await deliver(event)).toEqual({ ok: true, received: 1, recorded: 1, duplicates: 0, ignored: 0 });
    expect(await runtime.store.getClose('lead_cdc001')).toMatchObject({
      crm: 'salesforce',
      dealId: OPPORTUNITY,
      outcome: 'won',
      value: 24000,
      closedAt: T0 - 20 * MINUTE,
    });
    const statuses = Object.values(await deliveriesOf(runtime, 'lead_cdc001')).map((d) => [
      d.destination,
      d.status,
    ]);
    // Data Manager takes the upload (`accepted`; its processing result comes with a later backfill).
    expect(Object.fromEntries(statuses)).toEqual({ 'google-ads': 'accepted', meta: 'delivered' });

    // At least once: the same replay ID again is a duplicate; the same change under another is unchanged.
    expect(await deliver(event)).toMatchObject({ ok: true, recorded: 0, duplicates: 1 });
    expect(await deliver(changeEvent({}))).toMatchObject({ ok: true, recorded: 0, duplicates: 0 });
    expect(platforms.dataManager.eventsReceived).toBe(1);
    expect(platforms.meta.eventsReceived).toBe(1);
    expect((await scanTable(table)).filter((item) => item.type === 'receipt')).toHaveLength(2);
  });

  it('re-values the recorded close from an event that carries the new Amount alone', async () => {
    await deliver(changeEvent({}));
    const at = T0 - 5 * MINUTE;

    const result = await deliver(
      changeEvent({
        at,
        changedFields: ['Amount', 'LastModifiedDate'],
        fields: { Amount: 30000, LastModifiedDate: new Date(at).toISOString() },
      }),
    );

    expect(result).toMatchObject({ ok: true, recorded: 1 });
    expect(await runtime.store.getClose('lead_cdc001')).toMatchObject({
      outcome: 'won',
      value: 30000,
      version: 2,
      closedAt: T0 - 20 * MINUTE,
      // The default currency of the close first recorded, kept: the event carries none.
      currency: 'USD',
    });
    expect(platforms.dataManager.conversions.get(`${ACCOUNTS.won}|lead_cdc001`)?.event.conversionValue).toBe(
      30000,
    );
  });

  it('records a re-opened Opportunity, a deletion and an undeletion', async () => {
    await deliver(changeEvent({}));
    await deliver(
      changeEvent({
        at: T0 - 15 * MINUTE,
        changedFields: ['StageName', 'IsClosed', 'IsWon'],
        fields: { StageName: 'Negotiation/Review', IsClosed: false, IsWon: false },
      }),
    );
    expect(await runtime.store.getClose('lead_cdc001')).toMatchObject({ outcome: 'reopened', version: 2 });

    await deliver(changeEvent({ changeType: 'DELETE', at: T0 - 10 * MINUTE, fields: {}, changedFields: [] }));
    expect(await runtime.store.getClose('lead_cdc001')).toMatchObject({ outcome: 'deleted', version: 3 });
    const [pointer] = (await runtime.store.getDealPointerRecords('salesforce', [OPPORTUNITY])).values();
    expect(pointer).toMatchObject({ subjectKey: 'lead_cdc001', deletedAt: T0 - 10 * MINUTE });

    const { ChangeEventHeader: _header, ...all } = SAMPLE.detail.payload;
    await deliver(
      changeEvent({
        changeType: 'UNDELETE',
        at: T0 - 5 * MINUTE,
        fields: { ...all, LastModifiedDate: new Date(T0 - 5 * MINUTE).toISOString() },
      }),
    );
    expect(await runtime.store.getClose('lead_cdc001')).toMatchObject({ outcome: 'won', value: 24000 });
  });

  it("sets aside another org's events, field-less gap events, and refuses a malformed one by field", async () => {
    expect(await deliver(changeEvent({ org: '00D5g000009ZZZZEA4' }))).toMatchObject({ ok: true, ignored: 1 });
    expect(
      await deliver(changeEvent({ changeType: 'GAP_UPDATE', fields: {}, changedFields: [] })),
    ).toMatchObject({ ok: true, ignored: 1 });
    const malformed = changeEvent({});
    (malformed.detail.payload.ChangeEventHeader as Record<string, unknown>).recordIds = ['not-an-id'];
    expect(await deliver(malformed)).toEqual({
      ok: false,
      error: 'invalid OpportunityChangeEvent',
      issues: [
        { field: 'detail.payload.ChangeEventHeader.recordIds[0]', message: 'must be a Salesforce ID' },
      ],
    });
    expect((await scanTable(table)).filter((item) => item.type === 'close')).toEqual([]);
    for (const message of [
      'a change event of another org was set aside',
      'a change event without fields was set aside; polling reads the Opportunities',
      'salesforce change event refused',
    ]) {
      expect(
        log.lines.some((line) => line.startsWith('warn') && line.includes(message)),
        message,
      ).toBe(true);
    }
  });
});
