import type { DeliveryRecord } from '../../lib/domain';

/** A delivered Meta delivery of `subjectKey` at t = 1 s, with `overrides`: the listing and dashboard tests' rows. */
export function deliveryRecord(subjectKey: string, overrides: Partial<DeliveryRecord> = {}): DeliveryRecord {
  return {
    subjectKey,
    destination: 'meta',
    status: 'delivered',
    subjectVersion: 1,
    attempts: 1,
    createdAt: 1000,
    updatedAt: 1000,
    ...overrides,
  };
}
