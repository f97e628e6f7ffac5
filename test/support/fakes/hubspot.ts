import { isJsonObject } from './contract';
import { type FakeAnswer, type FakeRequest, type FakeServer, startFakeServer } from './fake-server';

/**
 * A loopback HubSpot CRM API holding deals, contacts, deal→contact associations and pipelines, on the
 * date-versioned paths only (reference/platform-apis.md §7): `/crm/objects/<v>/{deals,contacts}/batch/read`,
 * `/crm/objects/<v>/deals/search`, `/crm/associations/<v>/deals/contacts/batch/read`,
 * `/crm/pipelines/<v>/deals`, `<v>` the fake's `apiVersion`. A numbered path (v1 to v4) is refused as a contract
 * violation (their support ends in 2027), as is another date version.
 *
 * Bodies are checked against HubSpot's own OpenAPI definitions of the 2026-09 version
 * (HubSpot/HubSpot-public-api-spec-collection, PublicApiSpecs/CRM/{Deals,Associations,Pipelines}): a batch
 * read requires `inputs` (1–100 `{ id }`), `properties` and `propertiesWithHistory`, and takes no
 * `idProperty` when reading by ID; an associations batch read takes `inputs` of `{ id, after? }` only, and
 * answers `toObjectId` as a string with `associationTypes`, paging each deal's contacts. Answers carry the
 * fields those definitions mark required (`status`, `startedAt`, `completedAt`; an object's `createdAt`,
 * `updatedAt`, `archived`). The search's `sorts` are checked as the search guide documents them
 * (`{ propertyName, direction }`): the definition's `string[]` is a known generator slip
 * (HubSpot/hubspot-api-nodejs#9, hubspot-api-python#236) that the API does not follow.
 *
 * Merges are HubSpot's: `mergeDeals` replaces the originals by a new deal listing them in
 * `hs_merged_object_ids`; a batch read of an old ID answers with the merged deal (its own ID), an
 * associations read of an old ID with nothing (developers.hubspot.com changelog, "Deals now support merging").
 */
export type HubspotRoute =
  | 'deals.batchRead'
  | 'contacts.batchRead'
  | 'associations.batchRead'
  | 'pipelines'
  | 'deals.search'
  /** A numbered (v1 to v4) or other-version path: always refused. */
  | 'legacy';

export type FakePipeline = {
  id: string;
  label: string;
  stages: { id: string; label: string; isClosed: boolean; probability: number }[];
};

type StoredObject = Record<string, string | null>;

export type FakeHubspot = FakeServer<HubspotRoute> & {
  token: string;
  apiVersion: string;
  deals: Map<string, StoredObject>;
  contacts: Map<string, StoredObject>;
  associations: Map<string, string[]>;
  /**
   * Association labels by `<dealId>:<contactId>` (user-defined deal→contact labels such as "Decision maker").
   * Every association also carries the fake's default type (`HUBSPOT_DEFINED`, typeId 3, label `Primary`).
   */
  associationLabels: Map<string, string[]>;
  pipelines: FakePipeline[];
  /** Deal properties every batch read must ask for (the connector's contract with its mapping). */
  requiredDealProperties: string[];
  /**
   * HubSpot's search returns at most 10,000 results per query (reference §4): paging past it is a 400
   * and a contract violation. Lower it to exercise window splitting with few deals.
   */
  searchCap: number;
  /** Contacts per associations page of one deal (HubSpot pages them; lower it to exercise paging). */
  associationsPageSize: number;
  /**
   * Merges deals as HubSpot does: the originals disappear, `mergedId` holds `properties` (the primary's
   * when not given) and lists the originals in `hs_merged_object_ids`, and their contacts move to it.
   */
  mergeDeals(originalIds: readonly string[], mergedId: string, properties?: StoredObject): void;
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

export const HUBSPOT_FAKE_API_VERSION = '2026-09';
const ID = /^\d{1,20}$/;
const STAMP = '2026-11-01T00:00:00.000Z';

function routeOf(apiVersion: string) {
  return (request: FakeRequest<never>): HubspotRoute | undefined => {
    const { method, path } = request;
    // The numbered APIs (crm/v1 to crm/v4), whatever the operation.
    if (/^\/crm\/v\d+\//.test(path)) return 'legacy';
    const match = /^\/crm\/(objects|associations|pipelines)\/([^/]+)\/(.+)$/.exec(path);
    if (!match) return undefined;
    const [, api, version, rest] = match;
    if (version !== apiVersion) return 'legacy';
    const key = `${method} ${api}/${rest}`;
    switch (key) {
      case 'POST objects/deals/batch/read':
        return 'deals.batchRead';
      case 'POST objects/contacts/batch/read':
        return 'contacts.batchRead';
      case 'POST associations/deals/contacts/batch/read':
        return 'associations.batchRead';
      case 'GET pipelines/deals':
        return 'pipelines';
      case 'POST objects/deals/search':
        return 'deals.search';
      default:
        return undefined;
    }
  };
}

/** A batch answer as the definitions have it (`BatchResponse…`: status and times required). */
function batchBody(results: unknown[], errors: unknown[] = []) {
  return {
    status: 'COMPLETE',
    results,
    startedAt: STAMP,
    completedAt: STAMP,
    ...(errors.length > 0 ? { numErrors: errors.length, errors } : {}),
  };
}

function simpleObject(id: string, stored: StoredObject, properties: readonly string[], withObjectId = true) {
  return {
    id,
    properties: {
      ...(withObjectId ? { hs_object_id: id } : {}),
      ...Object.fromEntries(properties.map((name) => [name, stored[name] ?? null])),
    },
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: STAMP,
    archived: false,
  };
}

export async function startFakeHubspot(
  options: { token?: string; requiredDealProperties?: string[]; apiVersion?: string } = {},
) {
  const token = options.token ?? 'pat-test-0123456789';
  const apiVersion = options.apiVersion ?? HUBSPOT_FAKE_API_VERSION;
  const deals = new Map<string, StoredObject>();
  const contacts = new Map<string, StoredObject>();
  const associations = new Map<string, string[]>();
  const associationLabels = new Map<string, string[]>();
  /** Old deal ID → the deal it was merged into. */
  const mergedInto = new Map<string, string>();
  const pipelines: FakePipeline[] = [DEFAULT_PIPELINE];
  const required = options.requiredDealProperties ?? [
    'dealstage',
    'pipeline',
    'amount',
    'hs_is_closed_won',
    'hs_is_closed',
  ];

  type Problem = (message: string) => FakeAnswer;

  function inputsOf(request: FakeRequest, problem: Problem, allowed: readonly string[]) {
    if (!isJsonObject(request.body) || !Array.isArray(request.body.inputs))
      return problem('body.inputs must be an array');
    const inputs = request.body.inputs;
    if (inputs.length < 1 || inputs.length > 100)
      return problem(`inputs must hold 1–100 items, got ${inputs.length}`);
    const parsed: { id: string; after?: string }[] = [];
    for (const input of inputs) {
      if (!isJsonObject(input) || typeof input.id !== 'string' || !ID.test(input.id)) {
        return problem(`each input must be { id: "<digits>" }, got ${JSON.stringify(input)}`);
      }
      const extra = Object.keys(input).filter((key) => !allowed.includes(key));
      if (extra.length > 0) return problem(`inputs take only ${allowed.join(', ')}, got ${extra.join(', ')}`);
      if (input.after !== undefined && (typeof input.after !== 'string' || !/^\d+$/.test(input.after)))
        return problem('inputs[].after must be a cursor a previous page returned');
      parsed.push({ id: input.id, ...(typeof input.after === 'string' ? { after: input.after } : {}) });
    }
    const keys = parsed.map((input) => `${input.id}|${input.after ?? ''}`);
    if (new Set(keys).size !== keys.length) return problem('inputs repeat an id');
    return parsed;
  }

  function namesOf(request: FakeRequest, field: string, problem: Problem, nonEmpty: boolean) {
    const names = isJsonObject(request.body) ? request.body[field] : undefined;
    if (
      !Array.isArray(names) ||
      (nonEmpty && names.length === 0) ||
      !names.every((name) => typeof name === 'string')
    ) {
      return problem(`body.${field} must be ${nonEmpty ? 'a non-empty' : 'an'} array of property names`);
    }
    return names as string[];
  }

  function batchRead(
    request: FakeRequest,
    problem: Problem,
    objects: Map<string, StoredObject>,
    isDeal: boolean,
  ) {
    const inputs = inputsOf(request, problem, ['id']);
    if (!Array.isArray(inputs)) return inputs;
    const properties = namesOf(request, 'properties', problem, true);
    if (!Array.isArray(properties)) return properties;
    // Required by the definition (BatchReadInputSimplePublicObjectId), even when no history is wanted.
    const history = namesOf(request, 'propertiesWithHistory', problem, false);
    if (!Array.isArray(history)) return history;
    if (isJsonObject(request.body) && request.body.idProperty !== undefined)
      return problem('idProperty must be left out when reading by record ID');
    const lacking = (isDeal ? required : ['email']).filter((name) => !properties.includes(name));
    if (lacking.length > 0) return problem(`properties lack ${lacking.join(', ')}`);
    const results: unknown[] = [];
    const missing: string[] = [];
    const answered = new Set<string>();
    for (const { id } of inputs) {
      // An old ID of a merged deal answers with the merged deal (once per request).
      const current = isDeal ? (mergedInto.get(id) ?? id) : id;
      const stored = objects.get(current);
      if (!stored) missing.push(id);
      else if (!answered.has(current)) {
        answered.add(current);
        results.push(simpleObject(current, stored, properties));
      }
    }
    const errors =
      missing.length > 0
        ? [
            {
              status: 'error',
              category: 'OBJECT_NOT_FOUND',
              message: 'Could not get some objects, they may be deleted or not exist.',
              context: { ids: missing },
              errors: [],
              links: {},
            },
          ]
        : [];
    return { status: missing.length > 0 ? 207 : 200, body: batchBody(results, errors) };
  }

  function associationsRead(request: FakeRequest, problem: Problem) {
    const inputs = inputsOf(request, problem, ['id', 'after']);
    if (!Array.isArray(inputs)) return inputs;
    const pageSize = fake.associationsPageSize;
    const results = inputs
      // A merged deal's old ID has no associations left: they moved to the merged deal.
      .filter(({ id }) => !mergedInto.has(id) && (associations.get(id) ?? []).length > 0)
      .map(({ id, after }) => {
        const all = associations.get(id) ?? [];
        const offset = after === undefined ? 0 : Number(after);
        const next = offset + pageSize < all.length ? String(offset + pageSize) : undefined;
        return {
          from: { id },
          to: all.slice(offset, offset + pageSize).map((contactId) => ({
            toObjectId: contactId,
            associationTypes: [
              { category: 'HUBSPOT_DEFINED', typeId: 3, label: 'Primary' },
              ...(associationLabels.get(`${id}:${contactId}`) ?? []).map((label, index) => ({
                category: 'USER_DEFINED',
                typeId: 100 + index,
                label,
              })),
            ],
          })),
          ...(next ? { paging: { next: { after: next, link: `?after=${next}` } } } : {}),
        };
      });
    return { status: 200, body: batchBody(results) };
  }

  function pipelinesAnswer(): FakeAnswer {
    return {
      status: 200,
      body: {
        results: pipelines.map((pipeline, index) => ({
          id: pipeline.id,
          label: pipeline.label,
          displayOrder: index,
          archived: false,
          createdAt: '2026-01-01T00:00:00.000Z',
          updatedAt: STAMP,
          stages: pipeline.stages.map((stage, order) => ({
            id: stage.id,
            label: stage.label,
            displayOrder: order,
            archived: false,
            createdAt: '2026-01-01T00:00:00.000Z',
            updatedAt: STAMP,
            writePermissions: 'CRM_PERMISSIONS_ENFORCEMENT',
            metadata: { isClosed: String(stage.isClosed), probability: stage.probability.toFixed(1) },
          })),
        })),
      },
    };
  }

  function search(request: FakeRequest, problem: Problem): FakeAnswer {
    const body = request.body;
    if (!isJsonObject(body)) return problem('search body must be an object');
    const groups = body.filterGroups;
    if (!Array.isArray(groups) || groups.length === 0 || groups.length > 5)
      return problem('filterGroups must hold 1–5 groups');
    const filters = ((groups[0] as { filters?: unknown }).filters ?? []) as Record<string, unknown>[];
    const gte = filters.find(
      (filter) => filter.propertyName === 'hs_lastmodifieddate' && filter.operator === 'GTE',
    );
    const lt = filters.find(
      (filter) => filter.propertyName === 'hs_lastmodifieddate' && filter.operator === 'LT',
    );
    if (!gte || !lt || !ID.test(String(gte.value)) || !ID.test(String(lt.value))) {
      return problem('search must filter hs_lastmodifieddate GTE and LT with epoch-ms strings');
    }
    const sorts = body.sorts;
    if (
      sorts !== undefined &&
      (!Array.isArray(sorts) ||
        !sorts.every(
          (sort) =>
            isJsonObject(sort) &&
            typeof sort.propertyName === 'string' &&
            (sort.direction === 'ASCENDING' || sort.direction === 'DESCENDING'),
        ))
    ) {
      return problem('sorts must be [{ propertyName, direction: ASCENDING | DESCENDING }]');
    }
    const limit = Number(body.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200)
      return problem(`limit must be 1–200, got ${body.limit}`);
    const properties = namesOf(request, 'properties', problem, true);
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
        results: page.map(({ id, stored }) => simpleObject(id, stored, properties, false)),
        ...(next ? { paging: { next: { after: next, link: `?after=${next}` } } } : {}),
      },
    };
  }

  const server = await startFakeServer<HubspotRoute>({
    name: 'HubSpot',
    route: routeOf(apiVersion),
    handle: (request, contract) => {
      const problem = contract.refuse;
      if (request.route === 'legacy') {
        return problem(
          `not a ${apiVersion} date-versioned path: the numbered CRM paths (v1 to v4) end in 2027 (reference §7); call /crm/objects/${apiVersion}/…, /crm/associations/${apiVersion}/…, /crm/pipelines/${apiVersion}/…`,
        );
      }
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
      switch (request.route) {
        case 'deals.batchRead':
          return batchRead(request, problem, deals, true);
        case 'contacts.batchRead':
          return batchRead(request, problem, contacts, false);
        case 'associations.batchRead':
          return associationsRead(request, problem);
        case 'pipelines':
          return pipelinesAnswer();
        case 'deals.search':
          return search(request, problem);
      }
    },
  });
  const fake: FakeHubspot = {
    ...server,
    token,
    apiVersion,
    deals,
    contacts,
    associations,
    associationLabels,
    pipelines,
    requiredDealProperties: required,
    searchCap: 10_000,
    associationsPageSize: 500,
    mergeDeals(originalIds, mergedId, properties) {
      const primary = deals.get(originalIds[0] as string) ?? {};
      const moved = originalIds.flatMap((id) => associations.get(id) ?? []);
      for (const id of originalIds) {
        deals.delete(id);
        mergedInto.set(id, mergedId);
        // An ID merged earlier into one of these now leads to the new deal too.
        for (const [old, into] of mergedInto) if (into === id) mergedInto.set(old, mergedId);
      }
      const previous = (properties ?? primary).hs_merged_object_ids;
      deals.set(mergedId, {
        ...(properties ?? primary),
        hs_object_id: mergedId,
        hs_merged_object_ids: [previous, ...originalIds].filter(Boolean).join(';'),
      });
      if (moved.length > 0) associations.set(mergedId, [...new Set(moved)]);
    },
  };
  return fake;
}
