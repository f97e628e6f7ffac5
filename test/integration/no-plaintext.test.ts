import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCollectHandler } from '../../functions/collect';
import { createLambdaContext } from '../../local/lambda-context';
import { createClock, HOUR } from '../support/clock';
import {
  CONTACT,
  closeInput,
  contactIdentity,
  leadCreatedBody,
  PERSON_PLAINTEXT,
  storeClose,
} from '../support/conversions';
import type { TestTable } from '../support/dynamo';
import { createTestTable } from '../support/dynamo';
import { stringsIn } from '../support/fakes/contract';
import { collectEvent } from '../support/http-event';
import { dispatchInline, runBackfill } from '../support/pipeline';
import { type Platforms, startPlatforms } from '../support/platforms';
import { createRecordingLogger } from '../support/recording-logger';
import { createTestRuntime } from '../support/runtime';
import { scanTable } from '../support/table-items';

/**
 * DESIGN.md privacy rule, checked end to end: after leads are captured (plaintext in), closes recorded
 * with CRM contact identifiers, and deliveries sent, retried, failed and dry-run in every mode, no
 * outgoing request body, stored item or log line carries a plaintext email, phone, name or street.
 */
const PLAINTEXT = [...PERSON_PLAINTEXT, CONTACT.email, CONTACT.phone, '442071838750'];
const EMAIL = /[^\s@"]+@[^\s@"]+\.[a-z]{2,}/i;

let table: TestTable;
let platforms: Platforms;
const clock = createClock();

beforeEach(async () => {
  table = await createTestTable();
  platforms = await startPlatforms({ now: clock.now });
});

afterEach(async () => {
  expect(platforms.violations()).toEqual([]);
  await platforms.close();
});

function leaks(text: string): string[] {
  const found = PLAINTEXT.filter((plaintext) => text.includes(plaintext));
  if (EMAIL.test(text)) found.push(`email-like: ${EMAIL.exec(text)?.[0]}`);
  return found;
}

describe('no plaintext identifiers leave the connector', () => {
  it('in request bodies, stored items or log lines, in every mode', async () => {
    const { logger, lines } = createRecordingLogger();
    const runtimes = {
      dataManager: createTestRuntime(table, platforms.env, { now: clock.now, logger }),
      ads: createTestRuntime(
        table,
        { ...platforms.env, GOOGLE_ADS_UPLOAD_API: 'ads' },
        { now: clock.now, logger },
      ),
      dryRun: createTestRuntime(table, { ...platforms.env, DRY_RUN: 'true' }, { now: clock.now, logger }),
    };
    const runs = Object.entries(runtimes).map(([mode, runtime], index) => ({
      mode,
      runtime,
      leadId: `pii-${index}`,
    }));

    for (const { runtime, leadId } of runs) {
      // The close first: the lead arrives later through collect and triggers the upload.
      await storeClose(runtime.store, closeInput(leadId, { contactIdentity: contactIdentity() }));
      await dispatchInline(runtime, [leadId]);
      const answer = await createCollectHandler(runtime)(
        collectEvent(leadCreatedBody(leadId)),
        createLambdaContext('collect'),
      );
      expect(answer).toMatchObject({ statusCode: 202 });
    }
    // A failure whose platform message echoes an identifier, and a retry that then succeeds.
    const retryLead = 'pii-retry';
    await storeClose(
      runtimes.dataManager.store,
      closeInput(retryLead, { contactIdentity: contactIdentity() }),
    );
    platforms.meta.failNext(
      platforms.meta.errorReply(2, { message: `Temporary issue for ${CONTACT.email} ${CONTACT.phone}` }),
    );
    clock.advance(73 * HOUR);
    await dispatchInline(runtimes.dataManager, [retryLead]);
    const [retrying] = (
      await runtimes.dataManager.store.getDeliveries([{ subjectKey: retryLead, destination: 'meta' }])
    ).values();
    // The platform's echoed message is recorded, scrubbed.
    expect(retrying?.lastError).toContain('Temporary issue for [email] [number]');
    clock.advance(HOUR);
    await runBackfill(runtimes.dataManager);

    const bodies = [platforms.dataManager, platforms.ads, platforms.meta].flatMap((fake) =>
      fake.requests.map((request) => request.rawBody),
    );
    expect(bodies.length).toBeGreaterThanOrEqual(6);
    expect(bodies.flatMap(leaks)).toEqual([]);
    const items = await scanTable(table);
    expect(items.length).toBeGreaterThan(10);
    expect(
      items.flatMap((item) =>
        stringsIn(item).flatMap(({ path, value }) => leaks(value).map((leak) => `${path}: ${leak}`)),
      ),
    ).toEqual([]);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.flatMap(leaks)).toEqual([]);
    const retried = items.find((item) => item.pk === `DELIVERY#${retryLead}#meta`);
    expect(retried).toMatchObject({ status: 'delivered', attempts: 2 });
  });
});
