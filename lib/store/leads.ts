import type { LeadRecord } from '../domain';
import { ITEM_TYPES, keys } from './keys';
import { TTL_ATTRIBUTE } from './table';
import { type TableAccess, toRecord, withType } from './table-access';

/** Captured leads (`LEAD#<leadId>`), each written with its expiry (TTL_ATTRIBUTE). */
export type LeadStore = {
  getLead(leadId: string): Promise<LeadRecord | undefined>;
  getLeads(leadIds: readonly string[]): Promise<Map<string, LeadRecord>>;
  /** Writes a lead if its revision is still `expectedRevision` (undefined: the lead must not exist yet). */
  putLead(lead: LeadRecord, expectedRevision: number | undefined, expiresAt: number): Promise<void>;
};

export function createLeadStore(table: TableAccess): LeadStore {
  return {
    async getLead(leadId) {
      const item = await table.getItem(keys.lead(leadId));
      return item ? toRecord<LeadRecord>(item) : undefined;
    },

    async getLeads(leadIds) {
      const items = await table.batchGet(leadIds.map((id) => keys.lead(id)));
      return new Map(items.map((item) => [String(item.leadId), toRecord<LeadRecord>(item)]));
    },

    async putLead(lead, expectedRevision, expiresAt) {
      const item = { ...withType(ITEM_TYPES.lead, keys.lead(lead.leadId), lead), [TTL_ATTRIBUTE]: expiresAt };
      if (expectedRevision === undefined) await table.conditionalPut(item, 'attribute_not_exists(pk)');
      else await table.conditionalPut(item, 'revision = :expected', { ':expected': expectedRevision });
    },
  };
}
