import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

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
  const server = createServer((request, response) => {
    const answer = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    let raw = '';
    request.on('data', (chunk: Buffer) => {
      raw += chunk.toString();
    });
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      if (request.method !== 'POST' || url.pathname !== `/${options.apiVersion}/${options.pixelId}/events`) {
        return answer(404, {
          error: { message: 'not in the demo stand-in', type: 'GraphMethodException', code: 803 },
        });
      }
      requests++;
      const trace = `demo-fbtrace-${requests}`;
      let body: {
        access_token?: unknown;
        data?: { user_data?: { lead_id?: unknown }; event_id?: unknown }[];
      };
      try {
        body = JSON.parse(raw || '{}');
      } catch {
        return answer(400, {
          error: { message: 'Invalid JSON', type: 'OAuthException', code: 100, fbtrace_id: trace },
        });
      }
      if (body.access_token !== options.accessToken) {
        return answer(400, {
          error: {
            message: 'Invalid OAuth access token',
            type: 'OAuthException',
            code: 190,
            fbtrace_id: trace,
          },
        });
      }
      const events = Array.isArray(body.data) ? body.data : [];
      if (options.refusedLeadId && JSON.stringify(events).includes(options.refusedLeadId)) {
        return answer(400, {
          error: {
            message: 'Invalid parameter: the event is outside the attribution window',
            type: 'OAuthException',
            code: 100,
            fbtrace_id: trace,
          },
        });
      }
      return answer(200, { events_received: events.length, messages: [], fbtrace_id: trace });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
