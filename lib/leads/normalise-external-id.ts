/**
 * Meta `external_id` and TikTok `external_id`, before hashing: trimmed and lowercased, the same for
 * both platforms. Meta's page recommends hashing it, and Meta's own parameter builder (what a pixel
 * sends for the same person) trims and lowercases first; a hash of "Lead-ABC" never meets the
 * pixel's hash of "lead-abc". TikTok documents the same SHA-256 identifier.
 */
export function normaliseExternalId(raw: string): string {
  return raw.trim().toLowerCase();
}
