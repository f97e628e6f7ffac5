import * as v from 'valibot';
import { ConnectorError } from '../../errors';
import { type CrmHttpOptions, requestCrmJson } from '../http-json';

/**
 * The Salesforce REST API as the backfill uses it (reference §5): SOQL queries with the Bearer token,
 * following `nextRecordsUrl` until `done`. Salesforce answers a spent daily limit with 403
 * REQUEST_LIMIT_EXCEEDED, which is a wait, not a configuration error.
 */
export type SalesforceRecord = Record<string, unknown>;
export type SoqlPage = {
  records: SalesforceRecord[];
  totalSize: number;
  done: boolean;
  nextRecordsUrl?: string;
};

export type SalesforceClient = {
  /** The first page of a query. */
  query(soql: string, options?: { deadline?: number }): Promise<SoqlPage>;
  /** The page at a `nextRecordsUrl` a previous page returned. */
  queryMore(nextRecordsUrl: string, options?: { deadline?: number }): Promise<SoqlPage>;
  /** Every record of a query, page by page. */
  queryAll(soql: string, options?: { deadline?: number }): AsyncGenerator<SalesforceRecord[]>;
};

const QueryResultSchema = v.object({
  totalSize: v.number(),
  done: v.boolean(),
  nextRecordsUrl: v.optional(v.string()),
  records: v.array(v.record(v.string(), v.unknown())),
});

export function createSalesforceClient(options: {
  instanceUrl: string;
  accessToken: string;
  apiVersion: string;
  fetch: typeof fetch;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  requestTimeoutMs?: number;
}): SalesforceClient {
  const http: CrmHttpOptions = {
    platform: 'Salesforce',
    tokenVariable: 'SALESFORCE_ACCESS_TOKEN',
    fetch: options.fetch,
    now: options.now ?? Date.now,
    sleep: options.sleep,
    requestTimeoutMs: options.requestTimeoutMs,
    isRetryable: (status, code) => status === 403 && code === 'REQUEST_LIMIT_EXCEEDED',
  };
  const instanceUrl = options.instanceUrl.replace(/\/+$/, '');
  const queryPath = `/services/data/${options.apiVersion}/query`;

  async function get(path: string, operation: string, deadline: number | undefined): Promise<SoqlPage> {
    const response = await requestCrmJson(http, {
      operation,
      method: 'GET',
      url: `${instanceUrl}${path}`,
      headers: { authorization: `Bearer ${options.accessToken}` },
      deadline,
    });
    const parsed = v.safeParse(QueryResultSchema, response);
    if (!parsed.success) throw new ConnectorError(`Salesforce ${operation}: unexpected response shape`);
    return parsed.output;
  }

  const client: SalesforceClient = {
    query: (soql, { deadline } = {}) => get(`${queryPath}?q=${encodeURIComponent(soql)}`, 'query', deadline),

    async queryMore(nextRecordsUrl, { deadline } = {}) {
      // Only a path on the same instance and API version is followed: the token must never go elsewhere.
      if (!nextRecordsUrl.startsWith(`${queryPath}/`) || nextRecordsUrl.includes('..')) {
        throw new ConnectorError('Salesforce query: unexpected nextRecordsUrl');
      }
      return get(nextRecordsUrl, 'query more', deadline);
    },

    async *queryAll(soql, { deadline } = {}) {
      let page = await client.query(soql, { deadline });
      yield page.records;
      while (!page.done && page.nextRecordsUrl) {
        page = await client.queryMore(page.nextRecordsUrl, { deadline });
        yield page.records;
      }
    },
  };
  return client;
}

/** SOQL datetime literals are unquoted ISO 8601 in UTC. */
export function soqlDateTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The backfill's query: Opportunities changed since a time (and before `until`, when given), oldest change
 * first, open ones included — an Opportunity re-opened after its close was recorded is found this way
 * (the intake makes it `reopened` through its deal pointer, and ignores open ones it never saw close).
 * `CurrencyIsoCode` exists only in multi-currency orgs (querying it elsewhere fails), so it is asked for
 * only when told.
 */
export function changedOpportunitiesSoql(options: {
  since: number;
  until?: number;
  leadIdField: string;
  lossReasonField: string;
  multiCurrency?: boolean;
}): string {
  const fields = [
    'Id',
    'StageName',
    'IsWon',
    'IsClosed',
    'Amount',
    'CloseDate',
    'CreatedDate',
    'LastModifiedDate',
    'SystemModstamp',
    'Type',
    options.leadIdField,
    options.lossReasonField,
    ...(options.multiCurrency ? ['CurrencyIsoCode'] : []),
  ];
  for (const field of fields) {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(field))
      throw new ConnectorError(`not a Salesforce field name: ${field}`);
  }
  const until = options.until === undefined ? '' : ` AND SystemModstamp < ${soqlDateTime(options.until)}`;
  return `SELECT ${[...new Set(fields)].join(',')} FROM Opportunity WHERE SystemModstamp >= ${soqlDateTime(options.since)}${until} ORDER BY SystemModstamp`;
}
