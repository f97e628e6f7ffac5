import { isJsonObject } from './contract';
import { type FakeAnswer, type FakeRequest, type FakeServer, startFakeServer } from './fake-server';

/**
 * A loopback HubSpot CRM API holding deals, contacts, deal→contact associations and pipelines. It checks
 * what the connector relies on (reference/platform-apis.md §4): the Bearer token, paths and methods, JSON
 * bodies of the batch endpoints (1–100 `inputs` of numeric string IDs, a `properties` list that names what
 * the connector needs), the search body (hs_lastmodifieddate window, limit ≤ 200, `after` paging).
 */
export type HubspotRoute =
  | 'deals.batchRead'
  | 'contacts.batchRead'
  | 'associations.batchRead'
  | 'pipelines'
  | 'deals.search';

export type FakePipeline = {
  id: string;
  label: string;
  stages: { id: string; label: string; isClosed: boolean; probability: number }[];
};

export type FakeHubspot = FakeServer<HubspotRoute> & {
  token: string;
  deals: Map<string, Record<string, string | null>>;
  contacts: Map<string, Record<string, string | null>>;
  associations: Map<string, string[]>;
  pipelines: FakePipeline[];
  /** Deal properties every batch read must ask for (the connector's contract with its mapping). */
  requiredDealProperties: string[];
  /**
   * HubSpot's search returns at most 10,000 results per query (reference §4): paging past it is a 400
   * and a contract violation. Lower it to exercise window splitting with few deals.
   */
  searchCap: number;
};

export const DEFAULT_PIPELINE: FakePipeline = {
  id: 'default',
  label: 'Sales Pipeline',
  stages: [
    { id: 'appointmentscheduled', label: 'Appointment scheduled', isClosed: false, probability: 0.2 },
    { id: 'contractsent', label: 'Contract sent', isClosed: false, probability: 0.9 },
    { id: 'closedwon', label: 'Closed won', isClosed: true, probability: 1 },
    { id: 'closedlost', label: 'Closed lost', isClosed: true, probability: 0 },
  ],
};

const ID = /^\d{1,20}$/;

function routeOf(request: FakeRequest<never>): HubspotRoute | undefined {
  const key = `${request.method} ${request.path}`;
  switch (key) {
    case 'POST /crm/v3/objects/deals/batch/read':
      return 'deals.batchRead';
    case 'POST /crm/v3/objects/contacts/batch/read':
      return 'contacts.batchRead';
    case 'POST /crm/v4/associations/deals/contacts/batch/read':
      return 'associations.batchRead';
    case 'GET /crm/v3/pipelines/deals':
      return 'pipelines';
    case 'POST /crm/v3/objects/deals/search':
      return 'deals.search';
    default:
      return undefined;
  }
}

export async function startFakeHubspot(options: { token?: string; requiredDealProperties?: string[] } = {}) {
  const token = options.token ?? 'pat-test-0123456789';
  const deals = new Map<string, Record<string, string | null>>();
  const contacts = new Map<string, Record<string, string | null>>();
  const associations = new Map<string, string[]>();
  const pipelines: FakePipeline[] = [DEFAULT_PIPELINE];
  const required = options.requiredDealProperties ?? [
    'dealstage',
    'pipeline',
    'amount',
    'hs_is_closed_won',
    'hs_is_closed',
  ];

  function inputsOf(request: FakeRequest, problem: (message: string) => FakeAnswer): string[] | FakeAnswer {
    if (!isJsonObject(request.body) || !Array.isArray(request.body.inputs))
      return problem('body.inputs must be an array');
    const inputs = request.body.inputs;
    if (inputs.length < 1 || inputs.length > 100)
      return problem(`inputs must hold 1–100 items, got ${inputs.length}`);
    const ids: string[] = [];
    for (const input of inputs) {
      if (!isJsonObject(input) || typeof input.id !== 'string' || !ID.test(input.id)) {
        return problem(`each input must be { id: "<digits>" }, got ${JSON.stringify(input)}`);
      }
      ids.push(input.id);
    }
    if (new Set(ids).size !== ids.length) return problem('inputs repeat an id');
    return ids;
  }

  function propertiesOf(
    request: FakeRequest,
    problem: (message: string) => FakeAnswer,
  ): string[] | FakeAnswer {
    const properties = isJsonObject(request.body) ? request.body.properties : undefined;
    if (
      !Array.isArray(properties) ||
      properties.length === 0 ||
      !properties.every((name) => typeof name === 'string')
    ) {
      return problem('body.properties must be a non-empty array of names');
    }
    return properties as string[];
  }

  function objectsAnswer(
    store: Map<string, Record<string, string | null>>,
    ids: string[],
    properties: string[],
  ): FakeAnswer {
    const results = ids
      .filter((id) => store.has(id))
      .map((id) => {
        const stored = store.get(id) ?? {};
        return {
          id,
          properties: {
            hs_object_id: id,
            ...Object.fromEntries(properties.map((name) => [name, stored[name] ?? null])),
          },
          createdAt: '2026-01-01T00:00:00.000Z',
          updatedAt: '2026-11-01T00:00:00.000Z',
          archived: false,
        };
      });
    const missing = ids.filter((id) => !store.has(id));
    return {
      status: missing.length > 0 ? 207 : 200,
      body: {
        status: 'COMPLETE',
        results,
        ...(missing.length > 0
          ? {
              numErrors: 1,
              errors: [{ status: 'error', category: 'OBJECT_NOT_FOUND', context: { ids: missing } }],
            }
          : {}),
      },
    };
  }

  const server = await startFakeServer<HubspotRoute>({
    name: 'HubSpot',
    route: routeOf,
    handle: (request, contract) => {
      const problem = contract.refuse;
      const route = request.route;
      if (request.headers.authorization !== `Bearer ${token}`) {
        return {
          status: 401,
          body: { status: 'error', category: 'INVALID_AUTHENTICATION', message: 'bad token' },
        };
      }
      if (
        request.method === 'POST' &&
        !String(request.headers['content-type']).startsWith('application/json')
      ) {
        return problem('POST without content-type application/json');
      }
      switch (route) {
        case 'deals.batchRead':
        case 'contacts.batchRead': {
          const ids = inputsOf(request, problem);
          if (!Array.isArray(ids)) return ids;
          const properties = propertiesOf(request, problem);
          if (!Array.isArray(properties)) return properties;
          const needed = route === 'deals.batchRead' ? required : ['email'];
          const lacking = needed.filter((name) => !properties.includes(name));
          if (lacking.length > 0) return problem(`properties lack ${lacking.join(', ')}`);
          return objectsAnswer(route === 'deals.batchRead' ? deals : contacts, ids, properties);
        }
        case 'associations.batchRead': {
          const ids = inputsOf(request, problem);
          if (!Array.isArray(ids)) return ids;
          const results = ids
            .filter((id) => (associations.get(id) ?? []).length > 0)
            .map((id) => ({
              from: { id },
              to: (associations.get(id) ?? []).map((contactId) => ({
                toObjectId: Number(contactId),
                associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 3, label: null }],
              })),
            }));
          return { status: 200, body: { status: 'COMPLETE', results } };
        }
        case 'pipelines':
          return {
            status: 200,
            body: {
              results: pipelines.map((pipeline, index) => ({
                id: pipeline.id,
                label: pipeline.label,
                displayOrder: index,
                archived: false,
                stages: pipeline.stages.map((stage, order) => ({
                  id: stage.id,
                  label: stage.label,
                  displayOrder: order,
                  archived: false,
                  metadata: { isClosed: String(stage.isClosed), probability: stage.probability.toFixed(1) },
                })),
              })),
            },
          };
        case 'deals.search': {
          const body = request.body;
          if (!isJsonObject(body)) return problem('search body must be an object');
          const filters =
            (body.filterGroups as { filters?: Record<string, unknown>[] }[] | undefined)?.[0]?.filters ?? [];
          const gte = filters.find(
            (filter) => filter.propertyName === 'hs_lastmodifieddate' && filter.operator === 'GTE',
          );
          const lt = filters.find(
            (filter) => filter.propertyName === 'hs_lastmodifieddate' && filter.operator === 'LT',
          );
          if (!gte || !lt || !ID.test(String(gte.value)) || !ID.test(String(lt.value))) {
            return problem('search must filter hs_lastmodifieddate GTE and LT with epoch-ms strings');
          }
          const limit = Number(body.limit);
          if (!Number.isInteger(limit) || limit < 1 || limit > 200)
            return problem(`limit must be 1–200, got ${body.limit}`);
          const properties = propertiesOf(request, problem);
          if (!Array.isArray(properties)) return properties;
          if (body.after !== undefined && (typeof body.after !== 'string' || !/^\d+$/.test(body.after))) {
            return problem('after must be the string a previous page returned');
          }
          const matching = [...deals.entries()]
            .map(([id, stored]) => ({ id, stored, modified: Date.parse(String(stored.hs_lastmodifieddate)) }))
            .filter(({ modified }) => modified >= Number(gte.value) && modified < Number(lt.value))
            .sort((a, b) => a.modified - b.modified);
          const offset = body.after === undefined ? 0 : Number(body.after);
          const cap = fake.searchCap;
          if (offset >= cap) return problem(`paging past the ${cap}-result search cap (after=${offset})`);
          const page = matching.slice(offset, Math.min(offset + limit, cap));
          const next = offset + limit < Math.min(matching.length, cap) ? String(offset + limit) : undefined;
          return {
            status: 200,
            body: {
              total: matching.length,
              results: page.map(({ id, stored }) => ({
                id,
                properties: Object.fromEntries(properties.map((name) => [name, stored[name] ?? null])),
              })),
              ...(next ? { paging: { next: { after: next, link: `?after=${next}` } } } : {}),
            },
          };
        }
      }
    },
  });
  const fake: FakeHubspot = {
    ...server,
    token,
    deals,
    contacts,
    associations,
    pipelines,
    requiredDealProperties: required,
    searchCap: 10_000,
  };
  return fake;
}
