import { type FakeRequest, type FakeServer, startFakeServer } from './fake-server';

/**
 * A loopback Salesforce REST API for SOQL (reference §5): `GET /services/data/<version>/query?q=…` with the
 * Bearer token, answered in pages of `pageSize` records with `nextRecordsUrl` until `done: true`.
 */
export type SalesforceRoute = 'query' | 'queryMore';

export type FakeSalesforce = FakeServer<SalesforceRoute> & {
  token: string;
  apiVersion: string;
  /**
   * What queries return. The fake does not evaluate SOQL, except the backfill's `SystemModstamp >= … AND
   * SystemModstamp < …` window, which it applies to records that carry a SystemModstamp, and an
   * `IsClosed = true` / `IsClosed = false` condition, which it applies to every record (one without
   * IsClosed is not closed).
   */
  records: Record<string, unknown>[];
  pageSize: number;
  queries: string[];
};

export async function startFakeSalesforce(
  options: { token?: string; apiVersion?: string; pageSize?: number } = {},
) {
  const token = options.token ?? '00Dxx0000000001!fake-session-token';
  const apiVersion = options.apiVersion ?? 'v68.0';
  const records: Record<string, unknown>[] = [];
  const queries: string[] = [];
  const state = { pageSize: options.pageSize ?? 2 };
  const base = `/services/data/${apiVersion}/query`;
  const cursor = /^\/services\/data\/[^/]+\/query\/01gFAKE-(\d+)$/;

  const routeOf = (request: FakeRequest<never>): SalesforceRoute | undefined => {
    if (request.method !== 'GET') return undefined;
    if (request.path === base) return 'query';
    if (request.path.startsWith(`${base}/`) && cursor.test(request.path)) return 'queryMore';
    return undefined;
  };

  // The result of the last query, paged by queryMore (one query at a time is enough for the tests).
  let result: Record<string, unknown>[] = records;
  const inWindow = (soql: string) => {
    const since = /SystemModstamp >= (\S+)/.exec(soql)?.[1];
    const until = /SystemModstamp < (\S+)/.exec(soql)?.[1];
    const closed = /\bIsClosed\s*=\s*(true|false)\b/i.exec(soql)?.[1]?.toLowerCase();
    return records.filter((record) => {
      if (closed !== undefined && (record.IsClosed === true) !== (closed === 'true')) return false;
      const modified = Date.parse(String(record.SystemModstamp));
      if (Number.isNaN(modified)) return true;
      return (
        (since === undefined || modified >= Date.parse(since)) &&
        (until === undefined || modified < Date.parse(until))
      );
    });
  };

  const page = (offset: number) => {
    const slice = result.slice(offset, offset + state.pageSize);
    const next = offset + state.pageSize;
    const done = next >= result.length;
    return {
      status: 200,
      body: {
        totalSize: result.length,
        done,
        ...(done ? {} : { nextRecordsUrl: `${base}/01gFAKE-${next}` }),
        records: slice.map((record) => ({ attributes: { type: 'Opportunity' }, ...record })),
      },
    };
  };

  const server = await startFakeServer<SalesforceRoute>({
    name: 'Salesforce',
    route: routeOf,
    handle: (request, contract) => {
      if (request.headers.authorization !== `Bearer ${token}`) {
        return {
          status: 401,
          body: [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }],
        };
      }
      if (request.route === 'query') {
        const soql = request.query.get('q');
        if (!soql || !/^SELECT\s.+\sFROM\s+\w+/i.test(soql))
          return contract.refuse(`q must be a SOQL SELECT, got ${soql}`);
        queries.push(soql);
        result = inWindow(soql);
        return page(0);
      }
      const offset = Number(cursor.exec(request.path)?.[1]);
      return page(offset);
    },
  });
  const fake: FakeSalesforce = {
    ...server,
    token,
    apiVersion,
    records,
    queries,
    get pageSize() {
      return state.pageSize;
    },
    set pageSize(size: number) {
      state.pageSize = size;
    },
  };
  return fake;
}
