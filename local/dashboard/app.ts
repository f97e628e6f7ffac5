import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DESTINATIONS } from '../../lib/destinations/registry';
import { type DeliveryRecord, isStageSubject, parseStageSubjectKey, stageSubjectKey } from '../../lib/domain';
import { leadKeysOf } from '../../lib/pipeline/subject-keys';
import type { Store } from '../../lib/store/store';
import { deliveriesCsv } from '../delivery-csv';
import { readIntakeStatus, readStatusData } from '../status-data';
import { crmPage } from './crm-page';
import { CursorError, listDeliveries } from './delivery-list';
import { escapeHtml, html, layout, type Page } from './html';
import { buildOverview } from './overview';
import { overviewPage } from './overview-page';
import { CRM_NAMES, DESTINATION_NAMES, parseDays, parseListQuery, parseReplay, QueryError } from './query';
import { subjectsPage } from './subjects-page';
import { buildTimeline } from './timeline';
import { timelinePage } from './timeline-page';

/**
 * `npm run dashboard`'s pages over one store: read-only, except the replay form, which hands the subject to
 * `replay` (the backfill's replay, wired by server.ts). Requests are answered only for a loopback Host
 * (no DNS rebinding), and the replay form carries a per-process token (no cross-site form post).
 */
export type DashboardOptions = {
  store: Store;
  now: () => number;
  /** Where the data comes from, shown in the header: `table X at Y`. */
  source: string;
  /** Replays a subject's deliveries (all, or one destination); answers a sentence for the page. */
  replay?: (request: { subjects: string[]; destinations?: string[] }) => Promise<string>;
  token?: string;
  /** CONVERSION_STAGES' names: a close's timeline shows the stages its lead reached. */
  stageNames?: readonly string[];
};

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const PAGE_SIZE = 50;
const MAX_FORM_BYTES = 4096;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) throw new HttpError(413, 'form too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export function createDashboard(options: DashboardOptions) {
  const token = options.token ?? randomBytes(16).toString('hex');
  const notices = new Map<string, string>();
  const page = (title: string, current: Page | undefined, body: ReturnType<typeof html>) =>
    layout({ title, page: current, source: options.source, body });

  async function route(
    request: IncomingMessage,
    url: URL,
  ): Promise<{ status?: number; type?: string; disposition?: string; body: string; location?: string }> {
    const path = url.pathname;
    if (request.method === 'GET' && path === '/') {
      const days = parseDays(url.searchParams);
      const data = await readStatusData(options.store);
      return {
        body: page('Overview', 'overview', overviewPage(buildOverview(data, { now: options.now(), days }))),
      };
    }
    if (request.method === 'GET' && path === '/subjects') {
      const { query, filter, cursor } = parseListQuery(url.searchParams);
      const list = await listDeliveries(options.store, filter, { limit: PAGE_SIZE, cursor });
      return {
        body: page(
          'Subjects',
          'subjects',
          subjectsPage({ query, page: list, destinations: DESTINATION_NAMES, crms: CRM_NAMES }),
        ),
      };
    }
    if (request.method === 'GET' && path === '/subjects.csv') {
      const { filter } = parseListQuery(url.searchParams);
      const deliveries: DeliveryRecord[] = [];
      let cursor: string | undefined;
      do {
        const list = await listDeliveries(options.store, filter, {
          limit: 1000,
          cursor,
          budget: Number.POSITIVE_INFINITY,
        });
        deliveries.push(...list.rows.map((row) => row.delivery));
        cursor = list.next;
      } while (cursor);
      return {
        type: 'text/csv; charset=utf-8',
        disposition: 'attachment; filename="deliveries.csv"',
        body: deliveriesCsv(deliveries),
      };
    }
    if (request.method === 'GET' && path.startsWith('/subjects/')) {
      const subjectKey = decodeURIComponent(path.slice('/subjects/'.length));
      if (subjectKey === '' || subjectKey.length > 300)
        throw new QueryError(['subject: a lead ID or order:<id>']);
      const [leadKey] = leadKeysOf([subjectKey]);
      const isClose = leadKey !== undefined && parseStageSubjectKey(subjectKey) === undefined;
      const stageKeys = isClose
        ? (options.stageNames ?? []).map((stage) => stageSubjectKey(stage, subjectKey))
        : [];
      const state = await options.store.getState({
        subjects: [subjectKey, ...stageKeys],
        ...(leadKey ? { leads: [parseStageSubjectKey(subjectKey)?.leadKey ?? leadKey] } : {}),
        deliveries: DESTINATIONS.map((definition) => ({ subjectKey, destination: definition.name })),
      });
      const stages = stageKeys.flatMap((key) => {
        const stage = state.subjects.get(key);
        return stage && isStageSubject(stage) ? [stage] : [];
      });
      const timeline = buildTimeline(
        subjectKey,
        state.subjects.get(subjectKey),
        [...state.leads.values()][0],
        [...state.deliveries.values()],
        stages,
      );
      const noticeId = url.searchParams.get('notice');
      const notice = noticeId ? notices.get(noticeId) : undefined;
      return {
        ...(timeline.report.found || timeline.report.destinations.length > 0 ? {} : { status: 404 }),
        body: page(subjectKey, undefined, timelinePage(timeline, { token, ...(notice ? { notice } : {}) })),
      };
    }
    if (request.method === 'GET' && path === '/crm') {
      const data = await readIntakeStatus(options.store);
      return { body: page('CRM polling', 'crm', crmPage(data.checkpoints, data.deferredDeals)) };
    }
    if (request.method === 'POST' && path === '/replay') {
      const form = parseReplay(await readForm(request));
      if (form.token !== token)
        throw new HttpError(403, 'token: this form is from another dashboard run; reload the page');
      if (!options.replay) throw new HttpError(404, 'replay is not available in this version');
      const notice = await options.replay({
        subjects: [form.subject],
        ...(form.destination ? { destinations: [form.destination] } : {}),
      });
      const id = randomBytes(8).toString('hex');
      notices.set(id, notice);
      // A few recent notices are enough: each is read once, by the redirect below.
      if (notices.size > 100) notices.delete(notices.keys().next().value as string);
      return {
        status: 303,
        location: `/subjects/${encodeURIComponent(form.subject)}?notice=${id}`,
        body: '',
      };
    }
    throw new HttpError(404, `${path}: no such page`);
  }

  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const headers = {
      'content-security-policy':
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'",
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    };
    const hostname = (request.headers.host ?? '').replace(/:\d+$/, '');
    const fail = (status: number, message: string) => {
      response.writeHead(status, { ...headers, 'content-type': 'text/html; charset=utf-8' });
      response.end(page('Error', undefined, html`<p class="error">${message}</p>`));
    };
    if (!LOOPBACK_HOSTS.has(hostname)) return fail(421, 'the dashboard answers on 127.0.0.1 only');
    try {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const result = await route(request, url);
      response.writeHead(result.status ?? 200, {
        ...headers,
        'content-type': result.type ?? 'text/html; charset=utf-8',
        ...(result.location ? { location: result.location } : {}),
        ...(result.disposition ? { 'content-disposition': result.disposition } : {}),
      });
      response.end(result.body);
    } catch (error) {
      if (error instanceof QueryError) return fail(400, error.message);
      if (error instanceof CursorError) return fail(400, error.message);
      if (error instanceof HttpError) return fail(error.status, error.message);
      // Never the error's text: it may quote a table item.
      console.error(
        `dashboard: ${request.method} ${escapeHtml(request.url ?? '')} failed (${(error as Error).name})`,
      );
      return fail(500, 'the dashboard could not read the table; see its terminal');
    }
  };
}
