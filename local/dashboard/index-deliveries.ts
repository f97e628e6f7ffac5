import { mapWithConcurrency } from '../../lib/concurrency';
import type { Store } from '../../lib/store/store';

/**
 * `npm run dashboard -- --index-deliveries`: once, after upgrading a table written by an earlier version, put
 * every settled delivery into its `STATUS#<state>` partition so the subjects list finds it (one Scan, then
 * one conditional update per delivery not in a partition yet; safe to repeat, and to run beside the
 * connector).
 */
export async function indexSettledDeliveries(store: Store): Promise<{ read: number; indexed: number }> {
  let read = 0;
  let indexed = 0;
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await store.scanDeliveries(cursor);
    read += page.items.length;
    const results = await mapWithConcurrency(page.items, 16, (delivery) =>
      store.indexSettledDelivery(delivery),
    );
    indexed += results.filter(Boolean).length;
    cursor = page.cursor;
  } while (cursor);
  return { read, indexed };
}
