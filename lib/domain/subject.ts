import type { CloseRecord } from './close';
import type { OrderRecord } from './order';

/** What the delivery pipeline delivers: a CRM close or an order. */
export type ConversionSubject = CloseRecord | OrderRecord;

export function isOrderSubject(subject: ConversionSubject): subject is OrderRecord {
  return (subject as OrderRecord).kind === 'order';
}
