import { createServer } from 'node:http';
import { listenOnLoopback } from './loopback-server';

/**
 * The demo's stand-in for the Salesforce REST API, on loopback: it answers the backfill's SOQL query with
 * one closed Opportunity whose Outbound Message "never came", so the demo can show a close found by
 * polling. It checks the Bearer token and answers only the query path; everything else is a 404.
 */
export const DEMO_SALESFORCE_TOKEN = 'demo-salesforce-session-token';

/** Won on 2026-11-23 at 15:20 UTC for the Croct sample lead; its webhook was lost. */
export const LOST_WEBHOOK_OPPORTUNITY = {
  attributes: { type: 'Opportunity' },
  Id: '0065g00000LoStWAAR',
  StageName: 'Closed Won',
  IsWon: true,
  IsClosed: true,
  Amount: 9600,
  CloseDate: '2026-11-23',
  CreatedDate: '2026-10-20T10:00:00.000+0000',
  LastModifiedDate: '2026-11-23T15:20:00.000+0000',
  SystemModstamp: '2026-11-23T15:20:00.000+0000',
  Type: 'New Customer',
  Lead_ID__c: '1ed2fd65-a027-4f3a-a35f-c6dd97537392',
  Loss_Reason__c: null,
};

export type StandIn = { url: string; queries: () => number; close: () => Promise<void> };

export async function startSalesforceStandIn(apiVersion: string): Promise<StandIn> {
  let queries = 0;
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const answer = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.headers.authorization !== `Bearer ${DEMO_SALESFORCE_TOKEN}`) {
      return answer(401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    }
    if (request.method !== 'GET' || url.pathname !== `/services/data/${apiVersion}/query`) {
      return answer(404, [{ message: 'not in the demo stand-in', errorCode: 'NOT_FOUND' }]);
    }
    queries++;
    const soql = url.searchParams.get('q') ?? '';
    const since = /SystemModstamp >= (\S+)/.exec(soql)?.[1];
    const until = /SystemModstamp < (\S+)/.exec(soql)?.[1];
    const modified = Date.parse(LOST_WEBHOOK_OPPORTUNITY.SystemModstamp.replace('+0000', 'Z'));
    const inWindow =
      (since === undefined || modified >= Date.parse(since)) &&
      (until === undefined || modified < Date.parse(until));
    const records = inWindow ? [LOST_WEBHOOK_OPPORTUNITY] : [];
    return answer(200, { totalSize: records.length, done: true, records });
  });
  return { ...(await listenOnLoopback(server)), queries: () => queries };
}
