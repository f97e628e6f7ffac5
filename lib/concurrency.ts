/**
 * Runs `task` over `items` with at most `limit` in flight; results in input order. Shared by every bounded
 * fan-out (conditional writes of closes, receipts, orders, deliveries): enough in flight to hide DynamoDB's
 * latency, few enough not to throttle — each caller names its own limit for its own reason.
 */
export async function mapWithConcurrency<TItem, TResult>(
  items: readonly TItem[],
  limit: number,
  task: (item: TItem, index: number) => Promise<TResult>,
): Promise<TResult[]> {
  const results: TResult[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as TItem, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
