import { describe, expect, it } from 'vitest';
import type { DeliveryRecord } from '../../lib/domain';
import { csvField, DELIVERY_CSV_HEADER, deliveriesCsv, deliveryCsvRows } from '../../local/delivery-csv';
import { statusOutput } from '../../local/status-output';
import { PERSON_PLAINTEXT } from '../support/conversions';
import { createTestTable } from '../support/dynamo';

const T = Date.UTC(2026, 11, 1, 9, 30);

const delivery = (overrides: Partial<DeliveryRecord>): DeliveryRecord => ({
  subjectKey: 'lead_1',
  destination: 'meta',
  status: 'delivered',
  subjectVersion: 1,
  attempts: 1,
  createdAt: T - 60_000,
  updatedAt: T,
  ...overrides,
});

const deliveries: DeliveryRecord[] = [
  delivery({
    subjectKey: 'lead_b',
    destination: 'meta',
    platformResponseId: 'trace-9',
    history: [{ at: T - 1000, kind: 'upload', status: 'delivered', responseId: 'trace-9' }],
  }),
  delivery({
    subjectKey: 'lead_b',
    destination: 'google-ads',
    status: 'failed:CLICK_NOT_FOUND',
    attempts: 2,
    platformResponseId: 'req-1',
    lastError: 'Jane Doe <jane.doe+ads@gmail.com> was not found',
    lastErrorCode: 'CLICK_NOT_FOUND',
    history: [
      { at: T - 5000, kind: 'upload', status: 'accepted', responseId: 'req-1' },
      { at: T - 10, kind: 'processing', status: 'failed:CLICK_NOT_FOUND', responseId: 'req-1' },
    ],
  }),
  delivery({
    subjectKey: 'order:1001',
    destination: 'ga4',
    status: 'retry',
    attempts: 3,
    lastErrorCode: 'http_503',
    lastError: 'HTTP 503',
  }),
  delivery({ subjectKey: 'lead,"quoted"', destination: 'tiktok', status: 'pending', attempts: 0 }),
  delivery({ subjectKey: '=HYPERLINK("x")', destination: 'meta', status: 'skipped:consent' }),
];

describe('deliveryCsvRows', () => {
  it('gives one row per delivery with its status, reason, attempts, last attempt and request ID', () => {
    expect(deliveryCsvRows(deliveries)).toEqual([
      ['=HYPERLINK("x")', 'meta', 'skipped', 'consent', '1', new Date(T).toISOString(), ''],
      ['lead,"quoted"', 'tiktok', 'pending', '', '0', '', ''],
      ['lead_b', 'google-ads', 'failed', 'CLICK_NOT_FOUND', '2', new Date(T - 5000).toISOString(), 'req-1'],
      ['lead_b', 'meta', 'delivered', '', '1', new Date(T - 1000).toISOString(), 'trace-9'],
      ['order:1001', 'ga4', 'retry', 'http_503', '3', new Date(T).toISOString(), ''],
    ]);
  });
});

describe('deliveriesCsv', () => {
  it('writes the header, then RFC 4180 rows: quotes doubled, formulas defused, CRLF', () => {
    const csv = deliveriesCsv(deliveries);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('subject,destination,status,reason,attempts,last_attempt,platform_request_id');
    expect(lines).toHaveLength(deliveries.length + 2);
    expect(lines.at(-1)).toBe('');
    expect(lines[1]).toBe(`"'=HYPERLINK(""x"")",meta,skipped,consent,1,${new Date(T).toISOString()},`);
    expect(lines[2]).toBe('"lead,""quoted""",tiktok,pending,,0,,');
    // No message (it may quote a platform's text about a person), no identifier.
    for (const text of [...PERSON_PLAINTEXT, 'jane.doe', 'was not found', 'HTTP 503']) {
      expect(csv).not.toContain(text);
    }
  });

  it('is the header alone when there is no delivery', () => {
    expect(deliveriesCsv([])).toBe(`${DELIVERY_CSV_HEADER.join(',')}\r\n`);
  });

  it('quotes only what must be quoted', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a\nb')).toBe('"a\nb"');
    expect(csvField('-1')).toBe("'-1");
    expect(csvField('@sum')).toBe("'@sum");
  });
});

describe('npm run status -- --csv', () => {
  it('reads every delivery from the table: a header and one row each', async () => {
    const table = await createTestTable();
    for (const each of deliveries) await table.store.putDelivery(each, undefined);

    const csv = await statusOutput(table.store, ['--csv'], { now: T, table: 'test' });

    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe(DELIVERY_CSV_HEADER.join(','));
    expect(lines.slice(1)).toEqual(deliveryCsvRows(deliveries).map((row) => row.map(csvField).join(',')));
  });
});
