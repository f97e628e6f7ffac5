import { parseJsonExact } from '../../../lib/http/exact-json';
import { HEX_SHA256, isJsonObject, type Json, plaintextViolations } from './contract';
import {
  type Contract,
  type FakeAnswer,
  type FakeRequest,
  type FakeServer,
  startFakeServer,
} from './fake-server';

/**
 * Meta Conversions API `POST /{version}/{pixel}/events` (platform-apis.md §2). Checks the contract
 * (token, ≤ 1,000 events, action_source, event_time in seconds within 7 days, hashed user_data except
 * fbc/fbp/IP/UA/lead_id, well-formed fbc, lead_id a 15–17-digit JSON integer, custom_data.event_source
 * "crm") and counts events the way Meta
 * de-duplicates them: one per event_name + event_id within 48 hours.
 */
export type MetaFake = FakeServer<'events' | 'pixel'> & {
  /** De-duplicated events by `<event_name>|<event_id>`. */
  events: Map<string, Json>;
  eventsReceived: number;
  /** Requests containing an event matching `predicate` fail with code 100 (Meta does not say which). */
  rejectEvents(predicate: (event: Json) => boolean): void;
  /**
   * The next request is answered 200 with `events_received` `missing` short of what it sent (and Meta's
   * `messages`, if given); its last `missing` events are not taken.
   */
  receiveFewer(missing: number, messages?: unknown[]): void;
  /** An error body as Meta sends it. */
  errorReply(code: number, options?: { status?: number; subcode?: number; message?: string }): FakeAnswer;
};

const ACTION_SOURCES = new Set([
  'website',
  'app',
  'email',
  'phone_call',
  'chat',
  'physical_store',
  'system_generated',
  'business_messaging',
  'other',
]);
const HASHED_FIELDS = ['em', 'ph', 'fn', 'ln', 'ct', 'st', 'zp', 'country', 'ge', 'db', 'external_id'];
const CLEAR_FIELDS = new Set(['fbc', 'fbp', 'client_ip_address', 'client_user_agent', 'lead_id']);
const DEDUP_WINDOW_MS = 48 * 3_600_000;
const EVENT_WINDOW_S = 7 * 86_400;

function errorBody(code: number, message: string, subcode?: number): Json {
  return {
    error: {
      message,
      type: 'OAuthException',
      code,
      ...(subcode ? { error_subcode: subcode } : {}),
      fbtrace_id: 'AbCdEfTrace',
    },
  };
}

function checkEvent(event: unknown, path: string, nowS: number, problems: string[]) {
  if (!isJsonObject(event)) {
    problems.push(`${path}: not an object`);
    return;
  }
  if (typeof event.event_name !== 'string' || event.event_name === '')
    problems.push(`${path}.event_name: required`);
  if (!Number.isInteger(event.event_time)) problems.push(`${path}.event_time: integer seconds`);
  else {
    const time = event.event_time as number;
    if (time > 10_000_000_000) problems.push(`${path}.event_time: milliseconds sent, seconds expected`);
    if (nowS - time > EVENT_WINDOW_S) problems.push(`${path}.event_time: older than 7 days`);
    if (time - nowS > 60) problems.push(`${path}.event_time: in the future`);
  }
  if (!ACTION_SOURCES.has(String(event.action_source))) problems.push(`${path}.action_source: invalid`);
  if (typeof event.event_id !== 'string' || event.event_id === '')
    problems.push(`${path}.event_id: required for de-duplication`);
  const userData = event.user_data;
  if (!isJsonObject(userData)) problems.push(`${path}.user_data: required`);
  else {
    for (const [key, value] of Object.entries(userData)) {
      if (HASHED_FIELDS.includes(key)) {
        const values = Array.isArray(value) ? value : [value];
        if (values.length === 0 || values.some((item) => !HEX_SHA256.test(String(item))))
          problems.push(`${path}.user_data.${key}: hex SHA-256`);
      } else if (!CLEAR_FIELDS.has(key)) problems.push(`${path}.user_data.${key}: unknown field`);
    }
    if (userData.fbc !== undefined && !/^fb\.[0-2]\.\d{13}\.\S+$/.test(String(userData.fbc)))
      problems.push(`${path}.user_data.fbc: fb.1.<ms>.<fbclid>`);
    if (userData.lead_id !== undefined && !/^\d{15,17}$/.test(String(userData.lead_id)))
      problems.push(`${path}.user_data.lead_id: 15–17 digits`);
  }
  // Meta: "Website events shared using the Conversions API require the client_user_agent, action_source,
  // and event_source_url parameters".
  if (event.action_source === 'website') {
    if (typeof event.event_source_url !== 'string')
      problems.push(`${path}.event_source_url: required for website`);
    if (!isJsonObject(userData) || typeof userData.client_user_agent !== 'string')
      problems.push(`${path}.user_data.client_user_agent: required for website`);
  }
  const customData = event.custom_data;
  if (event.action_source === 'system_generated') {
    if (
      !isJsonObject(customData) ||
      customData.event_source !== 'crm' ||
      typeof customData.lead_event_source !== 'string'
    ) {
      problems.push(`${path}.custom_data: CRM events need event_source "crm" and lead_event_source`);
    }
  }
  if (
    isJsonObject(customData) &&
    customData.currency !== undefined &&
    !/^[A-Za-z]{3}$/.test(String(customData.currency))
  ) {
    problems.push(`${path}.custom_data.currency: ISO 4217`);
  }
}

export async function createMetaFake(options: {
  pixelId: string;
  accessToken: string;
  apiVersion?: string;
  testEventCode?: string;
  now: () => number;
}): Promise<MetaFake> {
  const path = `/${options.apiVersion ?? 'v26.0'}/${options.pixelId}/events`;
  const events = new Map<string, Json>();
  const firstSeen = new Map<string, number>();
  const rejections: ((event: Json) => boolean)[] = [];
  const shortfalls: { missing: number; messages?: unknown[] }[] = [];
  let traces = 0;
  /**
   * `GET /<version>/<dataset id>?fields=id,name` (the Graph API's node read, as `npm run doctor` makes it):
   * the token in the Authorization header — one in the query would land in URLs and logs; an unknown ID
   * answers error 100 / subcode 33, a wrong token 190, as Meta does.
   */
  const readPixel = (request: FakeRequest<'events' | 'pixel'>, contract: Contract): FakeAnswer => {
    if (request.method !== 'GET') return contract.refuse('a node is read with GET');
    if (!request.path.startsWith(`/${options.apiVersion ?? 'v26.0'}/`))
      return contract.refuse(`version: expected ${options.apiVersion ?? 'v26.0'}`);
    if (request.query.has('access_token')) contract.violation('access_token in the URL');
    if (request.query.get('fields') !== 'id,name') contract.violation('fields: expected id,name');
    if (request.headers.authorization !== `Bearer ${options.accessToken}`) {
      return { status: 400, body: errorBody(190, 'Invalid OAuth access token - Cannot parse access token') };
    }
    const id = request.path.split('/').at(-1);
    if (id !== options.pixelId) {
      return {
        status: 400,
        body: errorBody(
          100,
          `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
          33,
        ),
      };
    }
    return { status: 200, body: { id: options.pixelId, name: 'Test dataset' } };
  };
  const server = await startFakeServer<'events' | 'pixel'>({
    name: 'Meta',
    route: (request) =>
      request.path === path ? 'events' : /^\/v\d+\.\d+\/[^/]+$/.test(request.path) ? 'pixel' : undefined,
    refusal: (message) => ({ status: 400, body: errorBody(100, `Invalid parameter: ${message}`) }),
    handle: (request, contract): FakeAnswer => {
      if (request.route === 'pixel') return readPixel(request, contract);
      if (request.method !== 'POST') {
        contract.violation('events are POST');
        return { status: 400, body: errorBody(100, 'Unsupported post request.', 33) };
      }
      // Read with integers above 2^53 kept as their digits: Meta's lead_id is one (17 digits).
      const body = (request.rawBody === '' ? undefined : parseJsonExact(request.rawBody)) as Json | undefined;
      const token = request.query.get('access_token') ?? (isJsonObject(body) ? body.access_token : undefined);
      if (token !== options.accessToken) {
        return {
          status: 400,
          body: errorBody(190, 'Invalid OAuth access token - Cannot parse access token'),
        };
      }
      const problems: string[] = [];
      // Meta's CRM (Conversion Leads) payload spec types user_data.lead_id as an integer: a JSON number of
      // 15–17 digits, never a quoted string (reference §7).
      for (const [, quote, value] of request.rawBody.matchAll(/"lead_id"\s*:\s*(")?([^,}\s"]*)/g)) {
        if (quote) problems.push('user_data.lead_id: an integer, not a string (the CRM payload spec)');
        else if (!/^\d{15,17}$/.test(value ?? '')) problems.push('user_data.lead_id: 15–17 digits');
      }
      const data = isJsonObject(body) ? body.data : undefined;
      if (!Array.isArray(data) || data.length === 0 || data.length > 1000)
        problems.push('data: 1 to 1,000 events required');
      const testCode = isJsonObject(body) ? body.test_event_code : undefined;
      if (testCode !== options.testEventCode)
        problems.push(`test_event_code: expected ${options.testEventCode ?? 'none'}`);
      const nowS = Math.floor(options.now() / 1000);
      (Array.isArray(data) ? data : []).forEach((event, index) => {
        checkEvent(event, `data[${index}]`, nowS, problems);
      });
      // The token may be in the body; it is the one string allowed there that is not hashed.
      const { access_token: _token, ...rest } = isJsonObject(body) ? body : {};
      problems.push(...plaintextViolations(rest));
      if (problems.length > 0) {
        for (const problem of problems) contract.violation(problem);
        return { status: 400, body: errorBody(100, `Invalid parameter: ${problems[0]}`) };
      }
      const list = data as Json[];
      if (list.some((event) => rejections.some((predicate) => predicate(event)))) {
        return { status: 400, body: errorBody(100, 'Invalid parameter') };
      }
      const short = shortfalls.shift();
      const taken = short ? list.slice(0, Math.max(0, list.length - short.missing)) : list;
      for (const event of taken) {
        const key = `${event.event_name}|${event.event_id}`;
        const seen = firstSeen.get(key);
        if (seen !== undefined && options.now() - seen < DEDUP_WINDOW_MS) continue;
        firstSeen.set(key, options.now());
        events.set(key, event);
      }
      fake.eventsReceived += taken.length;
      traces++;
      return {
        status: 200,
        body: {
          events_received: taken.length,
          messages: short?.messages ?? [],
          fbtrace_id: `trace-${traces}`,
        },
      };
    },
  });
  const fake: MetaFake = {
    ...server,
    events,
    eventsReceived: 0,
    receiveFewer(missing, messages) {
      shortfalls.push({ missing, ...(messages ? { messages } : {}) });
    },
    rejectEvents(predicate) {
      rejections.push(predicate);
    },
    errorReply(code, reply = {}) {
      return {
        status: reply.status ?? 400,
        body: errorBody(code, reply.message ?? `Error ${code}`, reply.subcode),
      };
    },
  };
  return fake;
}
