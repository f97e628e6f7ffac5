import type { FakeAnswer, FaultPolicy } from '../support/fakes/fake-server';
import type { Prng } from '../support/prng';
import { outboundMessage } from '../support/salesforce-soap';
import type { HubspotReport, Lead, SalesforceReport } from './scenario';

/**
 * The reliability test's plumbing: the connector's outgoing transport (a fetch that tags and times every
 * request), the seeded fault policies of the platform fakes, and the bodies and API Gateway events the
 * CRMs and the website send. The story and the assertions are in reliability.test.ts.
 */

/** Tags each outgoing request so a fake's answer can be matched with what the connector saw of it. */
export const REQUEST_ID_HEADER = 'x-reliability-request';

export type Transport = {
  fetch: typeof fetch;
  /** What the connector saw of each request, by its tag: an answer, or its client-side timeout. */
  outcomes: Map<string, 'answered' | 'timeout' | 'network'>;
  /** Called once each request has its answer (or failed): lets a test make requests cost clock time. */
  onRequestDone: ((url: string) => void) | undefined;
};

/**
 * The connector's fetch, with every request capped at `capMs` of real time. The platform clients' own
 * timeouts are 10–30 s; a fake that holds its answer for a "timeout" would make the test wait that long, so
 * the transport gives up sooner, exactly as the client's AbortSignal would (a TimeoutError from fetch).
 */
export function createTransport(options: { capMs: number }): Transport {
  let sequence = 0;
  const outcomes: Transport['outcomes'] = new Map();
  const transport: Transport = { fetch: async () => Response.error(), outcomes, onRequestDone: undefined };
  transport.fetch = async (input, init) => {
    const id = String(++sequence);
    const headers = new Headers(init?.headers);
    headers.set(REQUEST_ID_HEADER, id);
    const cap = AbortSignal.timeout(options.capMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, cap]) : cap;
    try {
      const response = await fetch(input, { ...init, headers, signal });
      outcomes.set(id, 'answered');
      return response;
    } catch (error) {
      outcomes.set(id, (error as Error).name === 'TimeoutError' ? 'timeout' : 'network');
      throw error;
    } finally {
      transport.onRequestDone?.(String(input));
    }
  };
  return transport;
}

export type FaultKind = 'http_5xx' | 'http_429' | 'timeout_not_taken' | 'timeout_taken';
export type Platform = 'google-ads' | 'meta' | 'ga4' | 'tiktok';

/** A 5xx, a 429 with Retry-After, or the body a platform sends with them. */
function faultReply(platform: Platform, kind: 'http_5xx' | 'http_429', retryAfterS: number): FakeAnswer {
  const retryAfter = { 'retry-after': String(retryAfterS) };
  switch (platform) {
    case 'google-ads':
      return kind === 'http_5xx'
        ? {
            status: 503,
            body: { error: { code: 503, message: 'The service is unavailable.', status: 'UNAVAILABLE' } },
          }
        : {
            status: 429,
            headers: retryAfter,
            body: { error: { code: 429, message: 'Quota exceeded.', status: 'RESOURCE_EXHAUSTED' } },
          };
    case 'meta':
      return kind === 'http_5xx'
        ? {
            status: 500,
            body: {
              error: {
                message: 'An unexpected error has occurred.',
                type: 'OAuthException',
                code: 2,
                fbtrace_id: 'F',
              },
            },
          }
        : {
            status: 429,
            headers: retryAfter,
            body: {
              error: {
                message: 'Application request limit reached',
                type: 'OAuthException',
                code: 4,
                fbtrace_id: 'F',
              },
            },
          };
    case 'ga4':
      return kind === 'http_5xx' ? { status: 500 } : { status: 429, headers: retryAfter };
    case 'tiktok':
      return kind === 'http_5xx'
        ? { status: 503, body: { code: 50002, message: 'System error', request_id: 'tt-fault' } }
        : {
            status: 429,
            headers: retryAfter,
            body: { code: 40100, message: 'Too many requests', request_id: 'tt-fault' },
          };
  }
}

/**
 * A platform fake's fault policy: each request fails with probability `rate`, as a 5xx, a 429 with a
 * Retry-After, or a timeout — the fake holds its answer past the transport's cap, having taken the request
 * (the connector cannot know it arrived) or not. Every choice is drawn from the platform's own stream, so
 * a platform's faults do not depend on how its requests interleave with the others'.
 */
export function createFaultPolicy(
  platform: Platform,
  random: Prng,
  options: { rate: number; holdMs: number; injected: Map<string, FaultKind> },
): FaultPolicy {
  return (request) => {
    if (!random.chance(options.rate)) return undefined;
    const draw = random.next();
    const kind: FaultKind =
      draw < 0.4 ? 'http_5xx' : draw < 0.7 ? 'http_429' : draw < 0.85 ? 'timeout_not_taken' : 'timeout_taken';
    const id = String(request.headers[REQUEST_ID_HEADER] ?? '');
    options.injected.set(id, kind);
    if (kind === 'timeout_taken') return { handleThenDelayMs: options.holdMs };
    if (kind === 'timeout_not_taken') return { status: 503, delayMs: options.holdMs };
    return faultReply(platform, kind, random.int(1, 120));
  };
}

/** The website's `lead_created` for a lead, with everything the scenario gave it. */
export function leadCreated(lead: Lead): unknown {
  const query = new URLSearchParams(
    Object.entries({
      gclid: lead.clicks.gclid,
      fbclid: lead.clicks.fbclid,
      ttclid: lead.clicks.ttclid,
    }).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const { email, phone, firstName, lastName, postalCode } = lead.person;
  const user = Object.fromEntries(
    Object.entries({
      email,
      phone,
      first_name: firstName,
      last_name: lastName,
      postal_code: postalCode,
      country: postalCode ? 'US' : undefined,
    }).filter(([, value]) => value !== undefined),
  );
  return {
    event: { name: 'lead_created', id: lead.leadId, timestamp: lead.capturedAt },
    context: {
      url: `https://example.com/demo${query.size > 0 ? `?${query}` : ''}`,
      ip: lead.ip,
      user_agent: lead.userAgent,
      ...(lead.clicks.ga ? { click_ids: { _ga: lead.clicks.ga } } : {}),
    },
    ...(Object.keys(user).length > 0 ? { user } : {}),
    consent: lead.consent,
  };
}

/** A Webhooks API batch: one event per report (`attempt` counts HubSpot's redeliveries of the batch). */
export function hubspotBody(reports: readonly HubspotReport[], attempt = 0): string {
  return JSON.stringify(
    reports.map((report) => ({
      eventId: Number(report.eventId),
      subscriptionId: 1,
      portalId: 62515,
      appId: 54321,
      occurredAt: report.occurredAt,
      subscriptionType: 'deal.propertyChange',
      attemptNumber: attempt + (report.role === 'duplicate' ? 1 : 0),
      objectId: Number(report.close.dealId),
      propertyName: report.propertyName,
      propertyValue: report.propertyValue,
      changeSource: 'CRM_UI',
    })),
  );
}

export function salesforceBody(organizationId: string, reports: readonly SalesforceReport[]): string {
  return outboundMessage({
    organizationId,
    notifications: reports.map((report) => ({ id: report.notificationId, fields: report.fields })),
  });
}

/**
 * Finds which of many plaintext strings occur anywhere in a text, in one pass: each is looked up by its
 * first characters at every position of the text, then checked there (a `includes` per string would read
 * the whole text thousands of times). Case-insensitive.
 */
export function createPlaintextFinder(plaintexts: readonly string[]): (texts: readonly string[]) => string[] {
  const ANCHOR = 6;
  const byAnchor = new Map<string, string[]>();
  for (const plaintext of new Set(plaintexts.map((value) => value.toLowerCase()))) {
    if (plaintext.length < ANCHOR) throw new Error(`plaintext too short to search for: ${plaintext}`);
    const anchor = plaintext.slice(0, ANCHOR);
    byAnchor.set(anchor, [...(byAnchor.get(anchor) ?? []), plaintext]);
  }
  return (texts) => {
    const found = new Set<string>();
    for (const original of texts) {
      const text = original.toLowerCase();
      for (let index = 0; index + ANCHOR <= text.length; index++) {
        const candidates = byAnchor.get(text.slice(index, index + ANCHOR));
        if (!candidates) continue;
        for (const candidate of candidates) if (text.startsWith(candidate, index)) found.add(candidate);
      }
    }
    return [...found].sort();
  };
}
