import { createHash } from 'node:crypto';

/**
 * SHA-256 of the UTF-8 bytes, as lowercase hex: the encoding both Meta (`user_data`) and Google
 * (Data Manager `encoding: HEX`) accept for hashed identifiers.
 */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}
