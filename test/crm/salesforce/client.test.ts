import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  changedOpportunitiesSoql,
  createSalesforceClient,
  type SalesforceClient,
} from '../../../lib/crm/salesforce/client';
import { ConfigurationError, ConnectorError } from '../../../lib/errors';
import { type FakeSalesforce, startFakeSalesforce } from '../../support/fakes/salesforce';

let fake: FakeSalesforce;
let client: SalesforceClient;

beforeAll(async () => {
  fake = await startFakeSalesforce({ pageSize: 2 });
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  fake.clear();
  fake.records.length = 0;
  fake.queries.length = 0;
  client = createSalesforceClient({
    instanceUrl: fake.baseUrl,
    accessToken: fake.token,
    apiVersion: 'v68.0',
    fetch,
    sleep: async () => undefined,
  });
});

afterEach(() => {
  expect(fake.violations).toEqual([]);
});

describe('createSalesforceClient', () => {
  it('follows nextRecordsUrl until done', async () => {
    for (let index = 0; index < 5; index++)
      fake.records.push({ Id: `0065g00000AbC${index}0AAA`, IsWon: true });
    const soql = changedOpportunitiesSoql({
      since: Date.UTC(2026, 10, 1),
      leadIdField: 'Lead_ID__c',
      lossReasonField: 'Loss_Reason__c',
    });

    const pages: string[][] = [];
    for await (const records of client.queryAll(soql)) pages.push(records.map((record) => String(record.Id)));

    expect(pages).toEqual([
      ['0065g00000AbC00AAA', '0065g00000AbC10AAA'],
      ['0065g00000AbC20AAA', '0065g00000AbC30AAA'],
      ['0065g00000AbC40AAA'],
    ]);
    expect(fake.count('query')).toBe(1);
    expect(fake.count('queryMore')).toBe(2);
    expect(fake.queries).toEqual([
      'SELECT Id,StageName,IsWon,IsClosed,Amount,CloseDate,CreatedDate,LastModifiedDate,SystemModstamp,Type,Lead_ID__c,Loss_Reason__c FROM Opportunity WHERE SystemModstamp >= 2026-11-01T00:00:00Z ORDER BY SystemModstamp',
    ]);
    expect(fake.requests[0]?.headers.authorization).toBe(`Bearer ${fake.token}`);
  });

  it('asks for CurrencyIsoCode only in a multi-currency org', () => {
    const soql = changedOpportunitiesSoql({
      since: 0,
      leadIdField: 'Lead_ID__c',
      lossReasonField: 'Loss_Reason__c',
      multiCurrency: true,
    });
    expect(soql).toContain(',Loss_Reason__c,CurrencyIsoCode FROM');
    expect(() =>
      changedOpportunitiesSoql({ since: 0, leadIdField: 'x; DROP', lossReasonField: 'y' }),
    ).toThrow(ConnectorError);
  });

  it('never follows a nextRecordsUrl to another path', async () => {
    await expect(
      client.queryMore('https://evil.example.com/services/data/v68.0/query/01g-1'),
    ).rejects.toThrow('Salesforce query: unexpected nextRecordsUrl');
    await expect(client.queryMore('/services/data/v68.0/query/../../x')).rejects.toThrow(ConnectorError);
    expect(fake.requests).toHaveLength(0);
  });

  it('treats REQUEST_LIMIT_EXCEEDED (403) as retryable and an expired session as configuration', async () => {
    fake.failNext(
      {
        status: 403,
        body: [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }],
      },
      { route: 'query', times: 3 },
    );
    await expect(client.query('SELECT Id FROM Opportunity')).rejects.toMatchObject({
      name: 'RetryableError',
      code: 'rate_limited',
    });
    const expired = createSalesforceClient({
      instanceUrl: fake.baseUrl,
      accessToken: 'old',
      apiVersion: 'v68.0',
      fetch,
    });
    const error = await expired.query('SELECT Id FROM Opportunity').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({
      variables: ['SALESFORCE_ACCESS_TOKEN'],
      cause: { status: 401, code: 'INVALID_SESSION_ID' },
    });
  });

  it('retries a 5xx and succeeds', async () => {
    fake.records.push({ Id: '0065g00000AbCdEAAV' });
    fake.failNext({ status: 500, body: [{ errorCode: 'UNKNOWN_EXCEPTION' }] }, { route: 'query' });
    const page = await client.query('SELECT Id FROM Opportunity');
    expect(page).toMatchObject({ done: true, totalSize: 1 });
    expect(fake.count('query')).toBe(2);
  });
});
