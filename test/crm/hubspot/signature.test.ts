import { describe, expect, it } from 'vitest';
import {
  decodeUriForV3,
  signV1,
  signV2,
  signV3,
  verifyHubspotSignature,
} from '../../../lib/crm/hubspot/signature';
import { AuthenticationError } from '../../../lib/errors';

// HubSpot's published examples ("Validating requests" / v1 and v2 request validation pages).
const SECRET = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';
const V1_BODY =
  '[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]';
const V2_BODY = '{"example_field":"example_value"}';
const URI = 'https://www.example.com/webhook_uri';

function headers(values: Record<string, string>) {
  const lower = Object.fromEntries(
    Object.entries(values).map(([name, value]) => [name.toLowerCase(), value]),
  );
  return (name: string) => lower[name.toLowerCase()];
}

function authError(run: () => unknown): AuthenticationError {
  try {
    run();
  } catch (error) {
    if (error instanceof AuthenticationError) return error;
    throw error;
  }
  throw new Error('expected an AuthenticationError');
}

describe('HubSpot signature vectors', () => {
  it('v1 reproduces HubSpot published example', () => {
    expect(signV1({ clientSecret: SECRET, body: V1_BODY })).toBe(
      '232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de',
    );
  });

  it('v2 reproduces HubSpot published GET example (no body)', () => {
    expect(signV2({ clientSecret: SECRET, method: 'GET', uri: URI, body: '' })).toBe(
      'eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e',
    );
  });

  it('v2 reproduces HubSpot published POST example', () => {
    expect(signV2({ clientSecret: SECRET, method: 'POST', uri: URI, body: V2_BODY })).toBe(
      '9569219f8ba981ffa6f6f16aa0f48637d35d728c7e4d93d0d52efaa512af7900',
    );
  });

  // Computed independently: printf 'POST<uri><body><ts>' | openssl dgst -sha256 -hmac <secret> -binary | base64
  it('v3 matches an openssl HMAC-SHA256 over method + uri + body + timestamp', () => {
    expect(
      signV3({ clientSecret: SECRET, method: 'POST', uri: URI, body: V2_BODY, timestamp: '1700000000000' }),
    ).toBe('rQEKkaNUiu+1qGF//O/pw4BCzstSqO1PyUnGICmf+7o=');
  });

  it('v3 signs the URI with the listed percent-encodings decoded (openssl over the decoded URI)', () => {
    const signature = signV3({
      clientSecret: SECRET,
      method: 'POST',
      uri: 'https://hooks.example.com/webhooks/hubspot?portal=62515&note=a%3Ab',
      body: V1_BODY,
      timestamp: '1795446000000',
    });
    expect(signature).toBe('rMAsUOZb5/Wzapx0PlJzrg2ATPxvg3LrYx5ZNyUUfSU=');
  });

  it('decodes only the characters HubSpot lists', () => {
    expect(decodeUriForV3('https://x.test/a%2Fb?q=%3a%40%21%24%27%28%29%2A%2C%3B%3F%20%25')).toBe(
      "https://x.test/a/b?q=:@!$'()*,;?%20%25",
    );
  });
});

describe('verifyHubspotSignature', () => {
  const now = 1_795_446_000_000;
  const request = (extra: Record<string, string>, body = V2_BODY) => ({
    method: 'POST',
    uri: URI,
    body,
    header: headers(extra),
  });
  const v3Headers = (timestamp: number, body = V2_BODY) => ({
    'X-HubSpot-Signature-v3': signV3({
      clientSecret: SECRET,
      method: 'POST',
      uri: URI,
      body,
      timestamp: String(timestamp),
    }),
    'X-HubSpot-Request-Timestamp': String(timestamp),
  });

  it('accepts a fresh v3 signature', () => {
    expect(verifyHubspotSignature(request(v3Headers(now - 1000)), { clientSecret: SECRET, now })).toEqual({
      version: 'v3',
    });
  });

  it('accepts a v3 timestamp exactly 5 minutes old and refuses one a millisecond older', () => {
    expect(
      verifyHubspotSignature(request(v3Headers(now - 300_000)), { clientSecret: SECRET, now }).version,
    ).toBe('v3');
    expect(
      authError(() =>
        verifyHubspotSignature(request(v3Headers(now - 300_001)), { clientSecret: SECRET, now }),
      ).message,
    ).toBe('X-HubSpot-Request-Timestamp is more than 5 minutes away from now');
  });

  it('refuses a v3 signature over another body', () => {
    const signed = v3Headers(now);
    expect(
      authError(() => verifyHubspotSignature(request(signed, `${V2_BODY} `), { clientSecret: SECRET, now }))
        .message,
    ).toBe('invalid X-HubSpot-Signature-v3');
  });

  it('refuses a v3 signature made with another secret', () => {
    expect(() =>
      verifyHubspotSignature(request(v3Headers(now)), { clientSecret: 'another-secret', now }),
    ).toThrow(AuthenticationError);
  });

  it('refuses a v3 signature without a usable timestamp', () => {
    const signed = { 'X-HubSpot-Signature-v3': v3Headers(now)['X-HubSpot-Signature-v3'] };
    expect(
      authError(() => verifyHubspotSignature(request(signed), { clientSecret: SECRET, now })).message,
    ).toBe('missing or invalid X-HubSpot-Request-Timestamp');
  });

  it('accepts v1 and v2 when the version header names them and no v3 signature is sent', () => {
    const v1 = request(
      {
        'X-HubSpot-Signature': signV1({ clientSecret: SECRET, body: V1_BODY }),
        'X-HubSpot-Signature-Version': 'v1',
      },
      V1_BODY,
    );
    const v2 = request({
      'X-HubSpot-Signature': signV2({ clientSecret: SECRET, method: 'POST', uri: URI, body: V2_BODY }),
      'X-HubSpot-Signature-Version': 'v2',
    });
    expect(verifyHubspotSignature(v1, { clientSecret: SECRET, now }).version).toBe('v1');
    expect(verifyHubspotSignature(v2, { clientSecret: SECRET, now }).version).toBe('v2');
  });

  it('refuses a v1 signature presented as v2', () => {
    const wrong = request({
      'X-HubSpot-Signature': signV1({ clientSecret: SECRET, body: V2_BODY }),
      'X-HubSpot-Signature-Version': 'v2',
    });
    expect(authError(() => verifyHubspotSignature(wrong, { clientSecret: SECRET, now })).message).toBe(
      'invalid X-HubSpot-Signature (v2)',
    );
  });

  it('prefers v3 when both are present: a bad v3 is not rescued by a good v1', () => {
    const mixed = request({
      'X-HubSpot-Signature-v3': 'AAAA',
      'X-HubSpot-Request-Timestamp': String(now),
      'X-HubSpot-Signature': signV1({ clientSecret: SECRET, body: V2_BODY }),
      'X-HubSpot-Signature-Version': 'v1',
    });
    expect(() => verifyHubspotSignature(mixed, { clientSecret: SECRET, now })).toThrow(AuthenticationError);
  });

  it('refuses a request without any signature', () => {
    expect(authError(() => verifyHubspotSignature(request({}), { clientSecret: SECRET, now })).message).toBe(
      'missing X-HubSpot-Signature-v3',
    );
  });
});
