import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PayloadValidationError } from '../../lib/errors';
import { MAX_EVENTS_PER_REQUEST, parseIncomingEvents } from '../../lib/events/incoming';

const SEEDS = join(__dirname, '..', 'fixtures', 'seeds');
const seed = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(SEEDS, `${name}.json`), 'utf8'));

function issuesOf(body: unknown) {
  try {
    parseIncomingEvents(body);
  } catch (error) {
    if (error instanceof PayloadValidationError) return error.issues;
    throw error;
  }
  throw new Error('expected a PayloadValidationError');
}

const LEAD_CREATED = {
  event: { name: 'lead_created', id: 'lead_1' },
  context: { url: 'https://example.com/?gclid=abc' },
  user: { email: 'a@example.com' },
  consent: { analytics: true, personalization: true, marketing: true },
};

describe('parseIncomingEvents', () => {
  it.each(readdirSync(SEEDS).map((file) => file.replace(/\.json$/, '')))(
    'accepts the seed example %s',
    (name) => {
      const [event] = parseIncomingEvents(seed(name));
      expect(event?.kind).toBe(
        name.startsWith('croct')
          ? 'croct_lead_generated'
          : name.startsWith('checkout')
            ? 'checkout_completed'
            : 'lead_closed',
      );
    },
  );

  it('applies the seed defaults of checkout products (quantity 1, tax included)', () => {
    const body = seed('checkout-completed-fashion');
    const products = body.products as Record<string, unknown>[];
    delete products[1]?.quantity;
    delete products[1]?.tax_included;
    const [event] = parseIncomingEvents(body);
    if (event?.kind !== 'checkout_completed') throw new Error('expected a checkout');
    expect(event.event.products[1]).toMatchObject({ quantity: 1, tax_included: true });
  });

  it('accepts an array and keeps the order', () => {
    const events = parseIncomingEvents([
      LEAD_CREATED,
      { ...LEAD_CREATED, event: { name: 'lead_created', id: 'lead_2' } },
    ]);
    expect(events.map((event) => (event.kind === 'lead_created' ? event.event.event.id : ''))).toEqual([
      'lead_1',
      'lead_2',
    ]);
  });

  it('upper-cases currency codes and parses ISO timestamps to epoch ms', () => {
    const [event] = parseIncomingEvents({
      ...LEAD_CREATED,
      event: { ...LEAD_CREATED.event, currency: 'eur', timestamp: '2026-11-02T14:05:00Z' },
    });
    if (event?.kind !== 'lead_created') throw new Error('expected lead_created');
    expect(event.event.event.currency).toBe('EUR');
    expect(event.event.event.timestamp).toBe(Date.parse('2026-11-02T14:05:00Z'));
  });

  it('names a missing event.id', () => {
    expect(issuesOf({ event: { name: 'lead_created' } })).toEqual([
      { field: 'event.id', message: 'required' },
    ]);
  });

  it('names fields inside an array with their index', () => {
    const issues = issuesOf([
      LEAD_CREATED,
      { event: { name: 'lead_closed', id: 'x', value: -1, currency: 'USD' } },
    ]);
    expect(issues).toEqual(
      expect.arrayContaining([
        { field: '[1].event.value', message: 'must not be negative' },
        { field: '[1].user', message: 'required' },
      ]),
    );
  });

  it('names every bad field of a checkout at once', () => {
    const body = seed('checkout-completed-fashion');
    (body.products as Record<string, unknown>[])[0] = { id: 'p1' };
    delete body.payments;
    const fields = issuesOf(body).map((issue) => issue.field);
    expect(fields).toEqual(
      expect.arrayContaining(['products[0].name', 'products[0].price', 'products[0].price_base', 'payments']),
    );
  });

  it.each([
    [
      { event: { name: 'page_viewed', id: 'x' } },
      'event.name',
      'must be one of lead_created, lead_closed, checkout_completed',
    ],
    [{ event: {} }, 'event.name', 'required'],
    [
      { hello: 'world' },
      '(body)',
      'expected a DATA Reshape event (event.name) or a Croct leadGenerated payload (leadId)',
    ],
    ['a string', '(body)', 'expected a JSON object'],
    [[], '(body)', 'must not be empty'],
    [{ leadId: '' }, 'leadId', 'must not be empty'],
    [{ ...LEAD_CREATED, consent: { marketing: true } }, 'consent.analytics', 'required'],
    [{ ...LEAD_CREATED, context: { ip: 'not-an-ip' } }, 'context.ip', 'must be an IPv4 or IPv6 address'],
    [{ ...LEAD_CREATED, context: { environment: 'staging' } }, 'context.environment', 'must be prod or dev'],
    [
      { ...LEAD_CREATED, event: { name: 'lead_created', id: 'x', currency: 'dollars' } },
      'event.currency',
      'must be an ISO 4217 code like USD',
    ],
    [
      { ...LEAD_CREATED, event: { name: 'lead_created', id: 'a\nb' } },
      'event.id',
      'must not contain control characters',
    ],
    [
      { ...LEAD_CREATED, event: { name: 'lead_created', id: 'x'.repeat(129) } },
      'event.id',
      'must be at most 128 characters',
    ],
  ])('rejects %j naming %s', (body, field, message) => {
    expect(issuesOf(body)).toContainEqual({ field, message });
  });

  it(`refuses more than ${MAX_EVENTS_PER_REQUEST} events`, () => {
    expect(issuesOf(Array.from({ length: MAX_EVENTS_PER_REQUEST + 1 }, () => LEAD_CREATED))).toEqual([
      { field: '(body)', message: `at most ${MAX_EVENTS_PER_REQUEST} events a request` },
    ]);
  });
});
