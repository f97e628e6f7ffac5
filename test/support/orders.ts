import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import { type ConversionSubject, type OrderRecord, orderSubjectKey } from '../../lib/domain';
import {
  type CheckoutCompletedEvent,
  CheckoutCompletedEventSchema,
} from '../../lib/events/checkout-completed';
import { orderFromCheckout } from '../../lib/orders/capture';
import type { Store } from '../../lib/store/store';

/** The seed's checkout_completed example (Fashion), as a sender pushes it. */
export function checkoutSeedBody(): CheckoutBody {
  return JSON.parse(
    readFileSync(join(__dirname, '..', 'fixtures', 'seeds', 'checkout-completed-fashion.json'), 'utf8'),
  );
}

/** Browser context a server-side sender adds (connector extension of the seed's context). */
export const CHECKOUT_BROWSER = {
  ip: '203.0.113.20',
  user_agent: 'Mozilla/5.0 (checkout test)',
  click_ids: {
    _ga: 'GA1.1.1234567890.1762092300',
    ttclid: 'E.C.P.test-ttclid',
    _fbp: 'fb.1.1762092300000.42',
  },
};

/** The seed example with the browser's cookies and a page URL carrying a gclid, as a site's server sends it. */
export type CheckoutBody = Record<string, unknown> & { event: Record<string, unknown> };

export function checkoutWithBrowserBody(overrides: { id?: string; timestamp?: number } = {}): CheckoutBody {
  const seed = checkoutSeedBody();
  const context = seed.context as Record<string, unknown>;
  return {
    ...seed,
    event: {
      ...seed.event,
      ...(overrides.id ? { id: overrides.id } : {}),
      ...(overrides.timestamp !== undefined ? { timestamp: overrides.timestamp } : {}),
    },
    context: {
      ...context,
      url: 'https://example.com/checkout/success?gclid=EAIaIQobChMI-order-gclid',
      ...CHECKOUT_BROWSER,
    },
  };
}

export function parseCheckout(body: unknown): CheckoutCompletedEvent {
  return v.parse(CheckoutCompletedEventSchema, body);
}

export function orderOf(body: unknown, receivedAt: number): OrderRecord {
  return orderFromCheckout(parseCheckout(body), receivedAt);
}

/** The stored order of `orderId`, read by its subject key as the pipeline reads it. */
export async function readOrder(
  store: Pick<Store, 'getSubjects'>,
  orderId: string,
): Promise<ConversionSubject | undefined> {
  const subjectKey = orderSubjectKey(orderId);
  return (await store.getSubjects([subjectKey])).get(subjectKey);
}
