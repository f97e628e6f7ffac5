import { HEX_SHA256, isJsonObject, type Json, plaintextViolations } from './contract';
import { type FakeAnswer, type FakeServer, startFakeServer } from './fake-server';

/**
 * TikTok Events API 2.0 `POST /open_api/v1.3/event/track/` (platform-apis.md §3). Checks the contract
 * (Access-Token header, event_source, event_source_id = the CRM Event Set ID for `crm` events and the web
 * pixel code for `web` ones (platform-apis.md §7), test_event_code, 1–1,000 events,
 * event_time in seconds, event_id, hashed email/phone/external_id, ISO currency, no plaintext identifier)
 * and answers as TikTok does: HTTP 200 with `{code, message, request_id, data}`, code 0 on success.
 * De-duplicates like TikTok on event + event_id.
 */
export type TiktokFake = FakeServer<'track'> & {
  /** De-duplicated events by `<event>|<event_id>`, with the request's event_source. */
  events: Map<string, Json & { event_source: unknown }>;
  /** Requests containing an event matching `predicate` fail with code 40002 (TikTok does not say which). */
  rejectEvents(predicate: (event: Json) => boolean): void;
  /** A TikTok error answer (HTTP 200 unless `status` says otherwise). */
  errorReply(code: number, options?: { status?: number; message?: string }): FakeAnswer;
};

const PATH = '/open_api/v1.3/event/track/';
const SOURCES = new Set(['web', 'app', 'offline', 'crm']);
const HASHED = ['email', 'phone', 'external_id'];

function answer(code: number, message: string, requestId: string, status = 200): FakeAnswer {
  return { status, body: { code, message, request_id: requestId, data: {} } };
}

export async function createTiktokFake(options: {
  pixelCode: string;
  /** The CRM Event Set: `crm` events must name it; none given = the account has no CRM event set. */
  crmEventSetId?: string;
  accessToken: string;
  testEventCode?: string;
  now: () => number;
}): Promise<TiktokFake> {
  const events = new Map<string, Json & { event_source: unknown }>();
  const rejections: ((event: Json) => boolean)[] = [];
  let requestIds = 0;
  const server = await startFakeServer({
    name: 'TikTok',
    route: (request) => (request.path === PATH ? 'track' : undefined),
    refusal: (message) => answer(40002, `Invalid parameter: ${message}`, 'tt-refused'),
    handle: (request, contract): FakeAnswer => {
      const requestId = `tt-request-${++requestIds}`;
      if (request.method !== 'POST') {
        contract.violation('track is POST');
        return answer(40002, 'Invalid path', requestId, 404);
      }
      if (request.headers['access-token'] !== options.accessToken) {
        return answer(40105, 'Access token is incorrect or has been revoked.', requestId);
      }
      const problems: string[] = [];
      const body = request.body;
      if (!isJsonObject(body)) problems.push('body: JSON object required');
      const source = isJsonObject(body) ? body.event_source : undefined;
      if (!SOURCES.has(String(source))) problems.push('event_source: web, app, offline or crm');
      if (isJsonObject(body)) {
        if (source === 'crm' && body.event_source_id !== options.crmEventSetId)
          problems.push(
            body.event_source_id === options.pixelCode
              ? 'event_source_id: crm events need the CRM Event Set ID, not the web pixel code'
              : 'event_source_id: unknown CRM event set',
          );
        else if (source !== 'crm' && body.event_source_id !== options.pixelCode)
          problems.push('event_source_id: unknown pixel');
      }
      if (isJsonObject(body) && body.test_event_code !== options.testEventCode)
        problems.push(`test_event_code: expected ${options.testEventCode ?? 'none'}`);
      const data = isJsonObject(body) ? body.data : undefined;
      if (!Array.isArray(data) || data.length === 0 || data.length > 1000)
        problems.push('data: 1 to 1,000 events');
      const nowS = Math.floor(options.now() / 1000);
      (Array.isArray(data) ? data : []).forEach((event, index) => {
        const path = `data[${index}]`;
        if (!isJsonObject(event)) {
          problems.push(`${path}: object required`);
          return;
        }
        if (typeof event.event !== 'string' || event.event === '') problems.push(`${path}.event: required`);
        if (!Number.isInteger(event.event_time) || (event.event_time as number) > 10_000_000_000)
          problems.push(`${path}.event_time: integer seconds`);
        else if ((event.event_time as number) - nowS > 60) problems.push(`${path}.event_time: in the future`);
        if (typeof event.event_id !== 'string' || event.event_id === '')
          problems.push(`${path}.event_id: required`);
        const user = event.user;
        if (!isJsonObject(user)) problems.push(`${path}.user: required`);
        else
          for (const field of HASHED) {
            if (user[field] === undefined) continue;
            const values = Array.isArray(user[field]) ? (user[field] as unknown[]) : [user[field]];
            if (values.length === 0 || values.some((value) => !HEX_SHA256.test(String(value))))
              problems.push(`${path}.user.${field}: SHA-256 hex`);
          }
        const properties = event.properties;
        if (
          isJsonObject(properties) &&
          properties.currency !== undefined &&
          !/^[A-Z]{3}$/.test(String(properties.currency))
        )
          problems.push(`${path}.properties.currency: ISO 4217`);
      });
      problems.push(...plaintextViolations(body));
      if (problems.length > 0) {
        for (const problem of problems) contract.violation(problem);
        return answer(40002, `Invalid parameter: ${problems[0]}`, requestId);
      }
      const list = data as Json[];
      if (list.some((event) => rejections.some((predicate) => predicate(event)))) {
        return answer(40002, 'Invalid parameter', requestId);
      }
      for (const event of list) {
        const key = `${event.event}|${event.event_id}`;
        if (!events.has(key)) events.set(key, { ...event, event_source: source });
      }
      return answer(0, 'OK', requestId);
    },
  });
  return {
    ...server,
    events,
    rejectEvents(predicate) {
      rejections.push(predicate);
    },
    errorReply(code, reply = {}) {
      return answer(code, reply.message ?? `Error ${code}`, 'tt-error', reply.status ?? 200);
    },
  };
}
