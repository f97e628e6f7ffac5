import { createJsonStandIn, listenOnLoopback } from './loopback-server';

/**
 * The demo's stand-in for Google's OAuth token endpoint and the Data Manager API, on loopback: it takes an
 * `events:ingest` request (answering its `requestId`) and answers `requestStatus:retrieve` for it with the
 * proto's shape, SUCCESS, so the demo can show a delivery go from accepted to processed. It checks the
 * Bearer token and the methods; everything else is a 404.
 */
const TOKEN = 'demo-datamanager-access-token';

export type DataManagerStandIn = { url: string; close: () => Promise<void> };

export async function startDataManagerStandIn(): Promise<DataManagerStandIn> {
  const requests = new Map<string, unknown[]>();
  const answer = (status: number, body: unknown) => ({ status, body });
  const server = createJsonStandIn((request) => {
    const { url } = request;
    if (request.method === 'POST' && url.pathname === '/token') {
      return answer(200, { access_token: TOKEN, expires_in: 3599, token_type: 'Bearer' });
    }
    if (request.headers.authorization !== `Bearer ${TOKEN}`) {
      return answer(401, { error: { code: 401, status: 'UNAUTHENTICATED', message: 'bad token' } });
    }
    if (request.method === 'POST' && url.pathname === '/v1/events:ingest') {
      const body = JSON.parse(request.body || '{}') as { destinations?: unknown[] };
      const requestId = `demo-request-${requests.size + 1}`;
      requests.set(requestId, body.destinations ?? []);
      return answer(200, { requestId });
    }
    if (request.method === 'GET' && url.pathname === '/v1/requestStatus:retrieve') {
      const destinations = requests.get(url.searchParams.get('requestId') ?? '');
      if (!destinations)
        return answer(404, { error: { code: 404, status: 'NOT_FOUND', message: 'no such request' } });
      return answer(200, {
        requestStatusPerDestination: destinations.map((destination) => ({
          destination,
          requestStatus: 'SUCCESS',
          warningInfo: { warningCounts: [] },
          eventsIngestionStatus: { recordCount: '1' },
        })),
      });
    }
    return answer(404, { error: { code: 404, status: 'NOT_FOUND', message: 'not in the demo stand-in' } });
  });
  return listenOnLoopback(server);
}
