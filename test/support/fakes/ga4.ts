import { isJsonObject, type Json, plaintextViolations } from './contract';
import { type FakeAnswer, type FakeServer, startFakeServer } from './fake-server';

/**
 * GA4 Measurement Protocol `POST /mp/collect?measurement_id=…&api_secret=…` (platform-apis.md §3, Google's
 * "Send Measurement Protocol events" limits). Like the real endpoint it answers 204 to everything it can
 * read; unlike it, it records every rule broken as a violation so the test fails loudly: the measurement
 * ID and API secret, a client_id, 1–25 events, names (≤ 40, letter first, letters/digits/_), ≤ 25 params,
 * values ≤ 100 characters, ≤ 200 items, timestamp_micros in microseconds within the last 72 hours, consent
 * GRANTED/DENIED, a body under 130 kB (§7), and no plaintext email or phone anywhere.
 */
export type Ga4Fake = FakeServer<'collect' | 'debug'> & {
  /** Events received, with the request-level fields they came with. */
  events: { client_id: unknown; user_id: unknown; consent: unknown; event: Json }[];
};

const NAME = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;
/** "The total size of the POST body must be less than 130kB." */
const MAX_BODY_BYTES = 130_000;
const WINDOW_MS = 72 * 3_600_000;

function checkParams(params: Json, path: string, problems: string[]) {
  if (Object.keys(params).length > 25) problems.push(`${path}: more than 25 parameters`);
  for (const [key, value] of Object.entries(params)) {
    if (!NAME.test(key)) problems.push(`${path}.${key}: invalid parameter name`);
    if (typeof value === 'string' && value.length > 100) problems.push(`${path}.${key}: over 100 characters`);
    if (key === 'items') {
      if (!Array.isArray(value) || value.length > 200) problems.push(`${path}.items: 0 to 200 items`);
      else {
        value.forEach((item, index) => {
          if (!isJsonObject(item) || (item.item_id === undefined && item.item_name === undefined))
            problems.push(`${path}.items[${index}]: item_id or item_name required`);
          else
            for (const [itemKey, itemValue] of Object.entries(item)) {
              if (!NAME.test(itemKey)) problems.push(`${path}.items[${index}].${itemKey}: invalid name`);
              if (typeof itemValue === 'string' && itemValue.length > 100)
                problems.push(`${path}.items[${index}].${itemKey}: over 100 characters`);
            }
        });
      }
    }
  }
}

export async function createGa4Fake(options: {
  measurementId: string;
  apiSecret: string;
  now: () => number;
}): Promise<Ga4Fake> {
  const events: Ga4Fake['events'] = [];
  const server = await startFakeServer({
    name: 'GA4',
    route: (request) =>
      request.path === '/mp/collect' ? 'collect' : request.path === '/debug/mp/collect' ? 'debug' : undefined,
    // The real endpoint says nothing about what it cannot use: 2xx all the same.
    refusal: () => ({ status: 204 }),
    handle: (request, contract): FakeAnswer => {
      const problems: string[] = [];
      if (request.method !== 'POST') problems.push('collect is POST');
      if (request.query.get('measurement_id') !== options.measurementId)
        problems.push('measurement_id: unknown stream');
      if (request.query.get('api_secret') !== options.apiSecret) problems.push('api_secret: wrong secret');
      const body = request.body;
      const bytes = Buffer.byteLength(request.rawBody, 'utf8');
      if (bytes >= MAX_BODY_BYTES) problems.push(`body: ${bytes} bytes, must be under 130 kB`);
      if (!isJsonObject(body)) problems.push('body: JSON object required');
      else {
        if (typeof body.client_id !== 'string' || body.client_id === '') problems.push('client_id: required');
        if (body.consent !== undefined) {
          const consent = body.consent;
          if (
            !isJsonObject(consent) ||
            !['GRANTED', 'DENIED'].includes(String(consent.ad_user_data)) ||
            !['GRANTED', 'DENIED'].includes(String(consent.ad_personalization))
          )
            problems.push('consent: ad_user_data / ad_personalization GRANTED or DENIED');
        }
        const list = body.events;
        if (!Array.isArray(list) || list.length === 0 || list.length > 25)
          problems.push('events: 1 to 25 required');
        (Array.isArray(list) ? list : []).forEach((event, index) => {
          const path = `events[${index}]`;
          if (!isJsonObject(event)) {
            problems.push(`${path}: object required`);
            return;
          }
          if (
            typeof event.name !== 'string' ||
            !NAME.test(event.name) ||
            /^(google_|ga_|firebase_)/.test(event.name)
          )
            problems.push(`${path}.name: invalid event name`);
          if (!isJsonObject(event.params)) problems.push(`${path}.params: object required`);
          else checkParams(event.params, `${path}.params`, problems);
          if (event.timestamp_micros !== undefined) {
            const micros = Number(event.timestamp_micros);
            if (!Number.isInteger(micros) || micros < 1e15)
              problems.push(`${path}.timestamp_micros: microseconds`);
            else {
              const ms = micros / 1000;
              if (options.now() - ms > WINDOW_MS)
                problems.push(`${path}.timestamp_micros: older than 72 hours`);
              if (ms - options.now() > 60_000) problems.push(`${path}.timestamp_micros: in the future`);
            }
          }
        });
        problems.push(...plaintextViolations(body));
      }
      if (request.route === 'debug') {
        // The validation server records nothing and says what is wrong with the events and the stream; it
        // does not check the API secret.
        const messages = problems
          .filter((problem) => !problem.startsWith('api_secret'))
          .map((problem) => ({
            fieldPath: problem.split(':')[0],
            description: problem,
            validationCode: 'VALUE_INVALID',
          }));
        return { status: 200, body: { validationMessages: messages } };
      }
      if (problems.length > 0) {
        for (const problem of problems) contract.violation(problem);
        // The real endpoint says nothing about bad events: 2xx all the same.
        return { status: 204 };
      }
      const accepted = body as Json;
      for (const event of accepted.events as Json[]) {
        events.push({
          client_id: accepted.client_id,
          user_id: accepted.user_id,
          consent: accepted.consent,
          event,
        });
      }
      return { status: 204 };
    },
  });
  return { ...server, events };
}
