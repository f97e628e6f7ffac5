import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ITEM_TYPES, keys } from './keys';
import { subjectPk } from './subjects';
import { createTableAccess, type PageCursor, STORED_ATTRIBUTE_NAMES } from './table-access';

/**
 * What only the erase function does to the table (lib/erasure/erase.ts), kept apart from the Store the
 * other functions hold — and from their roles, which have no DeleteItem and no Scan: delete a person's
 * items by their keys, find them by a hashed email (a Scan: nothing else indexes the hashes), and keep the
 * suppression entries (`SUPPRESSED#<sha256>`, nothing else) that stop a later capture or webhook.
 */
export type ErasureStore = {
  deleteLead(leadId: string): Promise<void>;
  /** A close, an order or a stage, by its subject key. */
  deleteSubject(subjectKey: string): Promise<void>;
  deleteDelivery(subjectKey: string, destination: string): Promise<void>;
  deleteDealPointer(crm: string, dealId: string): Promise<void>;
  deleteDeferredDeal(crm: string, dealId: string): Promise<void>;
  /** Writes the suppression entries not written yet; the SHA-256 is the whole entry. */
  putSuppressions(hashes: readonly string[], at: number): Promise<void>;
  /**
   * One page of a Scan for leads, closes, orders and stages whose hashed identity (the lead's, the CRM
   * contact's, the order's) holds one of `emailHashes` (Google's normalisation, lowercase hex).
   */
  scanByEmailHashes(
    emailHashes: readonly string[],
    cursor: PageCursor | undefined,
  ): Promise<{ leadIds: string[]; subjectKeys: string[]; cursor?: PageCursor }>;
};

export function createErasureStore(options: { client: DynamoDBClient; tableName: string }): ErasureStore {
  const table = createTableAccess(options);
  return {
    deleteLead: (leadId) => table.deleteItem(keys.lead(leadId)),
    deleteSubject: (subjectKey) => table.deleteItem(subjectPk(subjectKey)),
    deleteDelivery: (subjectKey, destination) => table.deleteItem(keys.delivery(subjectKey, destination)),
    deleteDealPointer: (crm, dealId) => table.deleteItem(keys.deal(crm, dealId)),
    deleteDeferredDeal: (crm, dealId) => table.deleteItem(keys.deferredDeal(crm, dealId)),

    async putSuppressions(hashes, at) {
      await Promise.all(
        [...new Set(hashes)].map((hash) =>
          table.putIfAbsent({
            pk: keys.suppression(hash),
            type: ITEM_TYPES.suppression,
            suppressedAt: at,
          }),
        ),
      );
    },

    async scanByEmailHashes(emailHashes, cursor) {
      const values: Record<string, unknown> = {};
      const tests: string[] = [];
      emailHashes.forEach((hash, index) => {
        values[`:h${index}`] = hash;
        for (const holder of ['#identity', '#contactIdentity']) {
          tests.push(`contains(${holder}.#google.#emails, :h${index})`);
        }
      });
      const page = await table.scanFiltered(
        {
          expression: tests.join(' OR '),
          names: {
            '#identity': 'identity',
            '#contactIdentity': 'contactIdentity',
            '#google': 'google',
            '#emails': 'emails',
          },
          values,
        },
        cursor,
      );
      const leadIds: string[] = [];
      const subjectKeys: string[] = [];
      for (const item of page.items) {
        if (item.type === ITEM_TYPES.lead) leadIds.push(String(item.leadId));
        else if (typeof item[STORED_ATTRIBUTE_NAMES.subjectKey] === 'string') {
          subjectKeys.push(String(item[STORED_ATTRIBUTE_NAMES.subjectKey]));
        }
      }
      return { leadIds, subjectKeys, ...(page.cursor ? { cursor: page.cursor } : {}) };
    },
  };
}
