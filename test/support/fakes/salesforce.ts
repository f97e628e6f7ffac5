import { type FakeRequest, type FakeServer, startFakeServer } from './fake-server';

/**
 * A loopback Salesforce REST API for SOQL (reference §5): `GET /services/data/<version>/query?q=…` with the
 * Bearer token, answered in pages of `pageSize` records with `nextRecordsUrl` until `done: true`; and
 * `GET /services/data/<version>/limits` (the org's limits, as `npm run doctor` reads them).
 *
 * `OpportunityContactRole` queries are held to the one shape the connector may send (reference §5, §7):
 * `SELECT OpportunityId, Contact.<standard Contact fields> FROM OpportunityContactRole WHERE IsPrimary = true
 * AND OpportunityId IN ('<15 or 18-character ID>', …)` — any other field, condition or a role query that
 * does not ask for `IsPrimary = true` is a contract violation — and answered from `contactRoles`.
 */
export type SalesforceRoute = 'query' | 'queryMore' | 'limits';

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
  /** Opportunity contact roles: `OpportunityId` (18 characters), `IsPrimary`, and the `Contact`'s fields. */
  contactRoles: { OpportunityId: string; IsPrimary: boolean; Contact: Record<string, string | null> }[];
  pageSize: number;
  queries: string[];
};

/** Standard Contact fields (Salesforce Object Reference, Contact) the connector may read of a contact role. */
const CONTACT_FIELDS = new Set([
  'Email',
  'Phone',
  'MobilePhone',
  'FirstName',
  'LastName',
  'MailingStreet',
  'MailingCity',
  'MailingState',
  'MailingPostalCode',
  'MailingCountry',
]);
const CONTACT_ROLE_QUERY =
  /^SELECT (\S+) FROM OpportunityContactRole WHERE IsPrimary = true AND OpportunityId IN \(((?:'[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?',?)+)\)$/;

/** The contact-role query's problem, or the Opportunity IDs it asks for. */
function contactRoleQuery(soql: string): { problem: string } | { ids: string[] } {
  const match = CONTACT_ROLE_QUERY.exec(soql);
  if (!match) {
    return {
      problem: `an OpportunityContactRole query must be SELECT OpportunityId,Contact.… FROM OpportunityContactRole WHERE IsPrimary = true AND OpportunityId IN ('…'), got ${soql}`,
    };
  }
  const fields = (match[1] as string).split(',');
  if (fields[0] !== 'OpportunityId')
    return { problem: 'the contact-role query must select OpportunityId first' };
  const unknown = fields
    .slice(1)
    .filter((field) => !field.startsWith('Contact.') || !CONTACT_FIELDS.has(field.slice(8)));
  if (unknown.length > 0) return { problem: `no such Contact field: ${unknown.join(', ')}` };
  const ids = (match[2] as string)
    .split(',')
    .filter((id) => id !== '')
    .map((id) => id.slice(1, -1));
  if (ids.length > 300) return { problem: `${ids.length} IDs in one IN list: keep the query short` };
  return { ids };
}

export async function startFakeSalesforce(
  options: { token?: string; apiVersion?: string; pageSize?: number } = {},
) {
  const token = options.token ?? '00Dxx0000000001!fake-session-token';
  const apiVersion = options.apiVersion ?? 'v68.0';
  const records: Record<string, unknown>[] = [];
  const contactRoles: FakeSalesforce['contactRoles'] = [];
  const queries: string[] = [];
  const state = { pageSize: options.pageSize ?? 2 };
  const base = `/services/data/${apiVersion}/query`;
  const cursor = /^\/services\/data\/[^/]+\/query\/01gFAKE-(\d+)-(\d+)$/;

  const routeOf = (request: FakeRequest<never>): SalesforceRoute | undefined => {
    if (request.method !== 'GET') return undefined;
    if (request.path === base) return 'query';
    if (request.path === `/services/data/${apiVersion}/limits`) return 'limits';
    if (request.path.startsWith(`${base}/`) && cursor.test(request.path)) return 'queryMore';
    return undefined;
  };

  // Each query's result, paged by queryMore through its cursor (queries may interleave).
  const results: Record<string, unknown>[][] = [];
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

  const page = (query: number, offset: number) => {
    const result = results[query] ?? [];
    const slice = result.slice(offset, offset + state.pageSize);
    const next = offset + state.pageSize;
    const done = next >= result.length;
    return {
      status: 200,
      body: {
        totalSize: result.length,
        done,
        ...(done ? {} : { nextRecordsUrl: `${base}/01gFAKE-${query}-${next}` }),
        records: slice,
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
      if (request.route === 'limits') {
        if (request.rawBody !== '' || [...request.query.keys()].length > 0)
          return contract.refuse('limits takes no query and no body');
        return {
          status: 200,
          body: {
            DailyApiRequests: { Max: 15000, Remaining: 14990 },
            DailyBulkApiBatches: { Max: 15000, Remaining: 15000 },
          },
        };
      }
      if (request.route === 'query') {
        const soql = request.query.get('q');
        if (!soql || !/^SELECT\s.+\sFROM\s+\w+/i.test(soql))
          return contract.refuse(`q must be a SOQL SELECT, got ${soql}`);
        queries.push(soql);
        if (/\bFROM\s+OpportunityContactRole\b/i.test(soql)) {
          const asked = contactRoleQuery(soql);
          if ('problem' in asked) return contract.refuse(asked.problem);
          const wanted = new Set(asked.ids.map((id) => id.slice(0, 15)));
          results.push(
            contactRoles
              .filter((role) => role.IsPrimary && wanted.has(role.OpportunityId.slice(0, 15)))
              .map((role) => ({
                attributes: { type: 'OpportunityContactRole' },
                OpportunityId: role.OpportunityId,
                Contact: { attributes: { type: 'Contact' }, ...role.Contact },
              })),
          );
        } else {
          results.push(inWindow(soql).map((record) => ({ attributes: { type: 'Opportunity' }, ...record })));
        }
        return page(results.length - 1, 0);
      }
      const [, query, offset] = cursor.exec(request.path) ?? [];
      return page(Number(query), Number(offset));
    },
  });
  const fake: FakeSalesforce = {
    ...server,
    token,
    apiVersion,
    records,
    contactRoles,
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
