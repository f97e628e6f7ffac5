import type { ConsentRecord } from './consent';
import type { ClickIds, HashedIdentity } from './identity';

/** A captured lead: click IDs, hashed identity, consent; never a plaintext email, phone, name or street. */
export type LeadRecord = {
  leadId: string;
  source: 'reshape' | 'croct';
  /** First capture (ms): the click happened then, so conversion windows count from here. */
  capturedAt: number;
  /** Last time a capture event for this lead was stored (ms). */
  updatedAt: number;
  revision: number;
  pageUrl?: string;
  clickIds: ClickIds;
  identity: HashedIdentity;
  userId?: string;
  consent?: ConsentRecord;
  ipAddress?: string;
  userAgent?: string;
  value?: number;
  currency?: string;
  /**
   * Meta's Instant Form (Lead Ads) lead ID, `leadgen_id`: 15–17 digits, kept as text so no digit is lost
   * (it is above 2^53); sent unhashed as `user_data.lead_id` on every Meta event of this lead.
   */
  metaLeadId?: string;
};
