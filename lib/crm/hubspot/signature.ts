import { createHash, createHmac } from 'node:crypto';
import { AuthenticationError } from '../../errors';
import { secureEquals } from '../../http/secure-compare';

/**
 * HubSpot request signatures (developers.hubspot.com "Validating requests"), pure:
 * - v3: `X-HubSpot-Signature-v3` = Base64(HMAC-SHA256(clientSecret, method + uri + body + timestamp)),
 *   `X-HubSpot-Request-Timestamp` in epoch ms, rejected when older than 5 minutes;
 * - v2: hex SHA-256 of clientSecret + method + uri + body;
 * - v1: hex SHA-256 of clientSecret + body (Webhooks API subscriptions, `X-HubSpot-Signature-Version: v1`).
 */
export const HUBSPOT_SIGNATURE_MAX_AGE_MS = 5 * 60 * 1000;

/**
 * HubSpot signs the URI with these percent-encodings decoded (and only these): its v3 instructions list
 * them. Anything else (e.g. `%20`) stays as sent.
 */
const V3_DECODED: Readonly<Record<string, string>> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
};

export function decodeUriForV3(uri: string): string {
  return uri.replace(
    /%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi,
    (match) => V3_DECODED[match.toUpperCase()] ?? match,
  );
}

export function signV3(input: {
  clientSecret: string;
  method: string;
  uri: string;
  body: string;
  timestamp: string;
}): string {
  return createHmac('sha256', input.clientSecret)
    .update(
      `${input.method.toUpperCase()}${decodeUriForV3(input.uri)}${input.body}${input.timestamp}`,
      'utf8',
    )
    .digest('base64');
}

export function signV2(input: { clientSecret: string; method: string; uri: string; body: string }): string {
  return createHash('sha256')
    .update(`${input.clientSecret}${input.method.toUpperCase()}${input.uri}${input.body}`, 'utf8')
    .digest('hex');
}

export function signV1(input: { clientSecret: string; body: string }): string {
  return createHash('sha256').update(`${input.clientSecret}${input.body}`, 'utf8').digest('hex');
}

export type HubspotSignedRequest = {
  method: string;
  /** The full URI HubSpot called: scheme, host, path and query exactly as sent. */
  uri: string;
  body: string;
  /** Header lookup, case-insensitive. */
  header: (name: string) => string | undefined;
};

/**
 * Throws AuthenticationError unless the request carries a valid HubSpot signature. v3 is used whenever
 * its header is present (it is the only version with replay protection); v1/v2 only when the request
 * carries no v3 signature and `X-HubSpot-Signature-Version` names them.
 */
export function verifyHubspotSignature(
  request: HubspotSignedRequest,
  options: { clientSecret: string; now: number },
): { version: 'v1' | 'v2' | 'v3' } {
  const v3 = request.header('x-hubspot-signature-v3')?.trim();
  if (v3) {
    const timestamp = request.header('x-hubspot-request-timestamp')?.trim() ?? '';
    if (!/^\d{10,16}$/.test(timestamp)) {
      throw new AuthenticationError('missing or invalid X-HubSpot-Request-Timestamp');
    }
    // Older than 5 minutes is a replay (HubSpot's rule); as far in the future is a clock we cannot trust.
    if (Math.abs(options.now - Number(timestamp)) > HUBSPOT_SIGNATURE_MAX_AGE_MS) {
      throw new AuthenticationError('X-HubSpot-Request-Timestamp is more than 5 minutes away from now');
    }
    const expected = signV3({ ...request, clientSecret: options.clientSecret, timestamp });
    if (!secureEquals(v3, expected)) throw new AuthenticationError('invalid X-HubSpot-Signature-v3');
    return { version: 'v3' };
  }
  const legacy = request.header('x-hubspot-signature')?.trim().toLowerCase();
  if (!legacy) throw new AuthenticationError('missing X-HubSpot-Signature-v3');
  const version = request.header('x-hubspot-signature-version')?.trim().toLowerCase();
  if (version === 'v1') {
    if (!secureEquals(legacy, signV1({ clientSecret: options.clientSecret, body: request.body }))) {
      throw new AuthenticationError('invalid X-HubSpot-Signature (v1)');
    }
    return { version: 'v1' };
  }
  if (version === 'v2') {
    if (!secureEquals(legacy, signV2({ ...request, clientSecret: options.clientSecret }))) {
      throw new AuthenticationError('invalid X-HubSpot-Signature (v2)');
    }
    return { version: 'v2' };
  }
  throw new AuthenticationError('X-HubSpot-Signature-Version must be v1 or v2 when no v3 signature is sent');
}
