import { createJsonStandIn, listenOnLoopback } from './loopback-server';

/**
 * A stand-in for Meta's Conversions API on loopback, for the dashboard's demo data: it takes
 * `POST /<version>/<pixel>/events` with the demo's access token and answers Meta's success shape
 * (`events_received`, `messages`, `fbtrace_id`) — except for an event of `refusedLeadId`, which it refuses
 * as Meta refuses a bad parameter (code 100), so the dashboard has a rejection to show. Anything else is a
 * 404, a wrong token Meta's code 190.
 */
export type MetaStandIn = { url: string; requests: () => number; close: () => Promise<void> };

export async function startMetaStandIn(options: {
  apiVersion: string;
  pixelId: string;
  accessToken: string;
  refusedLeadId?: string;
}): Promise<MetaStandIn> {
  let requests = 0;
  const answer = (status: number, body: unknown) => ({ status, body });
  const server = createJsonStandIn((request) => {
    if (
      request.method !== 'POST' ||
      request.url.pathname !== `/${options.apiVersion}/${options.pixelId}/events`
    ) {
      return answer(404, {
        error: { message: 'not in the demo stand-in', type: 'GraphMethodException', code: 803 },
      });
    }
    requests++;
    const trace = `demo-fbtrace-${requests}`;
    const refuse = (message: string, code: number) =>
      answer(400, { error: { message, type: 'OAuthException', code, fbtrace_id: trace } });
    let body: { access_token?: unknown; data?: unknown[] };
    try {
      body = JSON.parse(request.body || '{}');
    } catch {
      return refuse('Invalid JSON', 100);
    }
    if (body.access_token !== options.accessToken) return refuse('Invalid OAuth access token', 190);
    const events = Array.isArray(body.data) ? body.data : [];
    if (options.refusedLeadId && JSON.stringify(events).includes(options.refusedLeadId)) {
      return refuse('Invalid parameter: the event is outside the attribution window', 100);
    }
    return answer(200, { events_received: events.length, messages: [], fbtrace_id: trace });
  });
  return { ...(await listenOnLoopback(server)), requests: () => requests };
}
