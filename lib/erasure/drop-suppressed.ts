import type { CloseInput, OrderRecord } from '../domain';
import type { LeadCapture } from '../leads/capture';
import type { Store } from '../store/store';
import { crmRecordHashes, isCrmRecordSuppressed, isSuppressed, suppressionHashesOf } from './suppression';

/**
 * collect's check (POST /v1/events): one read of the suppression entries of everything the request would
 * write — its captures, pushed closes and orders — and those of erased people dropped, as if never sent.
 * The request is still answered as accepted: a sender is not told who was erased.
 */
export async function dropSuppressed(
  store: Pick<Store, 'getState'>,
  records: { captures: LeadCapture[]; closes: CloseInput[]; orders: OrderRecord[] },
): Promise<{ captures: LeadCapture[]; closes: CloseInput[]; orders: OrderRecord[]; dropped: number }> {
  const hashes = new Set([
    ...records.captures.flatMap(suppressionHashesOf),
    ...records.closes.flatMap(crmRecordHashes),
    ...records.orders.flatMap((order) => suppressionHashesOf({ identity: order.identity })),
  ]);
  if (hashes.size === 0) return { ...records, dropped: 0 };
  const { suppressed } = await store.getState({ suppressions: [...hashes] });
  if (suppressed.size === 0) return { ...records, dropped: 0 };
  const captures = records.captures.filter((capture) => !isSuppressed(capture, suppressed));
  const closes = records.closes.filter((close) => !isCrmRecordSuppressed(close, suppressed));
  const orders = records.orders.filter((order) => !isSuppressed({ identity: order.identity }, suppressed));
  const dropped =
    records.captures.length +
    records.closes.length +
    records.orders.length -
    captures.length -
    closes.length -
    orders.length;
  return { captures, closes, orders, dropped };
}
