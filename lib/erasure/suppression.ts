import type { CloseInput, HashedIdentity, StageInput } from '../domain';
import { sha256Hex } from '../leads/hash';

/**
 * Suppression (lib/erasure/erase.ts): an erased person's lead ID and emails stay only as SHA-256
 * hashes, and whatever later arrives for them — a capture, a CRM close or stage, an order — is dropped
 * before anything is written. The hashes ride along with reads the intakes make anyway (a BatchGetItem
 * takes any keys), so checking costs no extra request on the webhook paths.
 */

/** The suppression hash of a lead ID (prefixed, so a lead ID can never collide with an email's hash). */
export function suppressionHashOfLeadId(leadId: string): string {
  return sha256Hex(`lead:${leadId}`);
}

/** The hashes that suppress a record: its lead ID's and its identity's emails (Google's normalisation). */
export function suppressionHashesOf(record: {
  leadId?: string | undefined;
  identity?: HashedIdentity | undefined;
}): string[] {
  return [
    ...(record.leadId ? [suppressionHashOfLeadId(record.leadId)] : []),
    ...(record.identity?.google.emails ?? []),
  ];
}

export function isSuppressed(
  record: { leadId?: string | undefined; identity?: HashedIdentity | undefined },
  suppressed: ReadonlySet<string>,
): boolean {
  return suppressed.size > 0 && suppressionHashesOf(record).some((hash) => suppressed.has(hash));
}

/** A CRM close or stage: its lead ID and the CRM contact's emails. */
export function crmRecordHashes(input: CloseInput | StageInput): string[] {
  return suppressionHashesOf({ leadId: input.leadId, identity: input.contactIdentity });
}

export function isCrmRecordSuppressed(
  input: CloseInput | StageInput,
  suppressed: ReadonlySet<string>,
): boolean {
  return suppressed.size > 0 && crmRecordHashes(input).some((hash) => suppressed.has(hash));
}
