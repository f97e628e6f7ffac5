import { mapWithConcurrency } from '../concurrency';
import type { OrderRecord } from '../domain';
import type { Store } from '../store/store';

export type RecordOrderResult = { order: OrderRecord; created: boolean };

// As for closes: DynamoDB takes this easily and a 500-event push still answers in well under a second.
const WRITE_CONCURRENCY = 10;

/**
 * Records orders durably, each with one conditional write: the seed promises that a repeated `event.id`
 * (a reloaded thank-you page, a webhook retry, the same order pushed by browser and server) is dropped
 * silently, so the first write wins and every later one, concurrent or not, is a duplicate.
 */
export async function recordOrders(
  store: Store,
  orders: readonly OrderRecord[],
): Promise<RecordOrderResult[]> {
  return mapWithConcurrency(orders, WRITE_CONCURRENCY, async (order) => ({
    order,
    created: await store.putOrder(order),
  }));
}
