import * as v from 'valibot';
import { ConnectorError } from '../../errors';
import { type CrmHttpOptions, requestCrmJson } from '../http-json';
import {
  AssociationsSchema,
  associationsOf,
  contactIdsPrimaryFirst,
  type DealContactAssociation,
} from './associations';
import { mergedDealIds } from './merged-ids';
import { HUBSPOT_API_VERSION } from './settings';

/**
 * The HubSpot CRM API as the connector uses it (reference/platform-apis.md §4, §7), on the date-versioned
 * paths of one `apiVersion` (HUBSPOT_API_VERSION): batch reads of deals, deal→contact associations and
 * contacts (one request each for a whole webhook batch), the deal pipelines (cached), and the deal search
 * the backfill polls with. Bearer token of a developer-platform app (static auth), a Service Key or a legacy
 * private app.
 */
export type HubspotProperties = Record<string, string | undefined>;
export type HubspotObject = { id: string; properties: HubspotProperties };
export type HubspotPipelineStage = {
  id: string;
  label: string;
  /** Stage metadata: `isClosed` and `probability` (1 won, 0 lost) decide custom pipelines' outcomes. */
  isClosed: boolean | undefined;
  probability: number | undefined;
};
export type HubspotPipeline = { id: string; label: string; stages: HubspotPipelineStage[] };

export type DealSearchPage = { deals: HubspotObject[]; total: number; after?: string };

export type HubspotClient = {
  /**
   * Deals by the IDs asked for. A merged deal's old ID answers with the deal it was merged into (its own
   * `id`, which lists the old one in `hs_merged_object_ids`): the map keeps it under the ID asked for.
   */
  readDeals(
    dealIds: readonly string[],
    options: { properties: readonly string[]; deadline?: number },
  ): Promise<Map<string, HubspotObject>>;
  /** Contact IDs of each deal, HubSpot's order, `primaryContactLabel` first (associations.ts). */
  readDealContactIds(
    dealIds: readonly string[],
    options?: { deadline?: number },
  ): Promise<Map<string, string[]>>;
  readContacts(
    contactIds: readonly string[],
    options: { properties: readonly string[]; deadline?: number },
  ): Promise<Map<string, HubspotObject>>;
  /** Every deal pipeline with its stages; cached for `pipelineCacheTtlMs`. */
  getDealPipelines(options?: { deadline?: number }): Promise<HubspotPipeline[]>;
  /** One page of deals modified in [since, until), oldest first; pass `after` back for the next page. */
  searchDealsModifiedBetween(options: {
    since: number;
    until: number;
    properties: readonly string[];
    after?: string;
    limit?: number;
    deadline?: number;
  }): Promise<DealSearchPage>;
};

/** HubSpot's batch endpoints take at most 100 inputs a request. */
export const HUBSPOT_BATCH_LIMIT = 100;
/** The search endpoint's page size limit. */
export const HUBSPOT_SEARCH_LIMIT = 200;
export const DEFAULT_PIPELINE_CACHE_TTL_MS = 5 * 60 * 1000;
/** Association pages read per deal at most (a deal with hundreds of contacts is not a lead's deal). */
const MAX_ASSOCIATION_PAGES = 5;

const PropertiesSchema = v.record(
  v.string(),
  v.pipe(
    v.nullish(v.union([v.string(), v.number(), v.boolean()])),
    v.transform((value) => (value === null || value === undefined ? undefined : String(value))),
  ),
);
const ObjectSchema = v.object({ id: v.union([v.string(), v.number()]), properties: PropertiesSchema });
const BatchReadSchema = v.object({ results: v.array(ObjectSchema) });
const PipelinesSchema = v.object({
  results: v.array(
    v.object({
      id: v.string(),
      label: v.optional(v.string(), ''),
      stages: v.array(
        v.object({
          id: v.string(),
          label: v.optional(v.string(), ''),
          metadata: v.optional(v.record(v.string(), v.unknown()), {}),
        }),
      ),
    }),
  ),
});
const SearchSchema = v.object({
  total: v.optional(v.number(), 0),
  results: v.array(ObjectSchema),
  paging: v.optional(v.object({ next: v.optional(v.object({ after: v.string() })) })),
});

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

function toObject(result: v.InferOutput<typeof ObjectSchema>): HubspotObject {
  return { id: String(result.id), properties: result.properties };
}

/** The IDs a result answers for: its own, and those merged into it that were asked for. */
function answeredIds(object: HubspotObject, asked: ReadonlySet<string>): string[] {
  return [object.id, ...mergedDealIds(object.properties)].filter((id) => asked.has(id));
}

function metadataFlag(value: unknown): boolean | undefined {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return undefined;
}

function metadataNumber(value: unknown): number | undefined {
  const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isFinite(number) ? number : undefined;
}

export function createHubspotClient(options: {
  baseUrl: string;
  accessToken: string;
  fetch: typeof fetch;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  pipelineCacheTtlMs?: number;
  requestTimeoutMs?: number;
  /** The date version of every path (HUBSPOT_API_VERSION); defaults to the pinned one. */
  apiVersion?: string;
  /** HUBSPOT_PRIMARY_CONTACT_LABEL: the association label of a deal's primary contact. */
  primaryContactLabel?: string | undefined;
}): HubspotClient {
  const now = options.now ?? Date.now;
  const http: CrmHttpOptions = {
    platform: 'HubSpot',
    tokenVariable: 'HUBSPOT_ACCESS_TOKEN',
    fetch: options.fetch,
    now,
    sleep: options.sleep,
    requestTimeoutMs: options.requestTimeoutMs,
  };
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const headers = { authorization: `Bearer ${options.accessToken}` };
  const version = options.apiVersion ?? HUBSPOT_API_VERSION;
  let pipelineCache: { pipelines: HubspotPipeline[]; expiresAt: number } | undefined;

  async function call<TSchema extends v.GenericSchema>(
    schema: TSchema,
    operation: string,
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    deadline: number | undefined,
  ): Promise<v.InferOutput<TSchema>> {
    const response = await requestCrmJson(http, {
      operation,
      method,
      url: `${baseUrl}${path}`,
      headers,
      body,
      deadline,
    });
    const parsed = v.safeParse(schema, response);
    if (!parsed.success) throw new ConnectorError(`HubSpot ${operation}: unexpected response shape`);
    return parsed.output;
  }

  async function batchRead(
    objectType: 'deals' | 'contacts',
    ids: readonly string[],
    properties: readonly string[],
    deadline: number | undefined,
  ): Promise<Map<string, HubspotObject>> {
    const found = new Map<string, HubspotObject>();
    for (const chunk of chunks([...new Set(ids)], HUBSPOT_BATCH_LIMIT)) {
      // 207 Multi-Status lists missing (deleted) objects under `errors`; they are simply not found.
      const response = await call(
        BatchReadSchema,
        `${objectType} batch read`,
        'POST',
        `/crm/objects/${version}/${objectType}/batch/read`,
        // propertiesWithHistory is required by the API's definition; no history is needed.
        { properties: [...properties], propertiesWithHistory: [], inputs: chunk.map((id) => ({ id })) },
        deadline,
      );
      const asked = new Set(chunk);
      for (const result of response.results) {
        const object = toObject(result);
        for (const id of answeredIds(object, asked)) found.set(id, object);
      }
    }
    return found;
  }

  return {
    readDeals: (dealIds, { properties, deadline }) => batchRead('deals', dealIds, properties, deadline),

    readContacts: (contactIds, { properties, deadline }) =>
      batchRead('contacts', contactIds, properties, deadline),

    async readDealContactIds(dealIds, { deadline } = {}) {
      const associated = new Map<string, DealContactAssociation[]>();
      let inputs: { id: string; after?: string }[] = [...new Set(dealIds)].map((id) => ({ id }));
      for (let page = 0; page < MAX_ASSOCIATION_PAGES && inputs.length > 0; page++) {
        const next: { id: string; after: string }[] = [];
        for (const chunk of chunks(inputs, HUBSPOT_BATCH_LIMIT)) {
          const response = await call(
            AssociationsSchema,
            'deal→contact associations batch read',
            'POST',
            `/crm/associations/${version}/deals/contacts/batch/read`,
            { inputs: chunk },
            deadline,
          );
          for (const result of response.results) {
            const dealId = String(result.from.id);
            associated.set(dealId, [...(associated.get(dealId) ?? []), ...associationsOf(result)]);
            const after = result.paging?.next?.after;
            if (after !== undefined) next.push({ id: dealId, after });
          }
        }
        inputs = next;
      }
      return new Map(
        [...associated].map(([dealId, contacts]) => [
          dealId,
          contactIdsPrimaryFirst(contacts, options.primaryContactLabel),
        ]),
      );
    },

    async getDealPipelines({ deadline } = {}) {
      if (pipelineCache && pipelineCache.expiresAt > now()) return pipelineCache.pipelines;
      const response = await call(
        PipelinesSchema,
        'deal pipelines',
        'GET',
        `/crm/pipelines/${version}/deals`,
        undefined,
        deadline,
      );
      const pipelines = response.results.map((pipeline) => ({
        id: pipeline.id,
        label: pipeline.label,
        stages: pipeline.stages.map((stage) => ({
          id: stage.id,
          label: stage.label,
          isClosed: metadataFlag(stage.metadata.isClosed),
          probability: metadataNumber(stage.metadata.probability),
        })),
      }));
      pipelineCache = {
        pipelines,
        expiresAt: now() + (options.pipelineCacheTtlMs ?? DEFAULT_PIPELINE_CACHE_TTL_MS),
      };
      return pipelines;
    },

    async searchDealsModifiedBetween({ since, until, properties, after, limit, deadline }) {
      const response = await call(
        SearchSchema,
        'deal search',
        'POST',
        `/crm/objects/${version}/deals/search`,
        {
          // HubSpot compares datetime properties as epoch-ms strings in search filters.
          filterGroups: [
            {
              filters: [
                { propertyName: 'hs_lastmodifieddate', operator: 'GTE', value: String(since) },
                { propertyName: 'hs_lastmodifieddate', operator: 'LT', value: String(until) },
              ],
            },
          ],
          sorts: [{ propertyName: 'hs_lastmodifieddate', direction: 'ASCENDING' }],
          properties: [...properties],
          limit: Math.min(limit ?? HUBSPOT_SEARCH_LIMIT, HUBSPOT_SEARCH_LIMIT),
          ...(after === undefined ? {} : { after }),
        },
        deadline,
      );
      const next = response.paging?.next?.after;
      return {
        deals: response.results.map(toObject),
        total: response.total,
        ...(next === undefined ? {} : { after: next }),
      };
    },
  };
}
