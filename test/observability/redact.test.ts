import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { RedactingLogFormatter } from '../../lib/observability/log-formatter';
import { REDACTED, redact, redactMessage } from '../../lib/observability/redact';

describe('redact', () => {
  it.each([
    ['email', 'jane@example.com'],
    ['user_email', 'jane@example.com'],
    ['phone', '+14155550100'],
    ['first_name', 'Jane'],
    ['lastName', 'Doe'],
    ['street', '1 Main St'],
    ['city', 'Paris'],
    ['postal_code', '94105'],
    ['access_token', 'EAAB...'],
    ['refresh_token', '1//0g'],
    ['client_secret', 's3cr3t'],
    ['authorization', 'Bearer abc'],
    ['x-api-key', 'key'],
    ['ip', '203.0.113.10'],
    ['client_user_agent', 'Mozilla/5.0'],
  ])('masks the value of a %s key', (key, value) => {
    expect(redact({ [key]: value })).toEqual({ [key]: REDACTED });
  });

  it.each([
    ['an email inside a message', 'failed for Jane.Doe+x@Example.co.uk today', 'failed for [redacted] today'],
    ['a phone number with separators', 'call (415) 555-0100 now', 'call [redacted] now'],
    ['an international phone number', 'tel +44 20 7946 0958', 'tel [redacted]'],
    ['a bearer token', 'header Bearer ya29.a0AfH6SM-abc', 'header Bearer [redacted]'],
    [
      'a token in a query string',
      'GET /v26.0/1/events?access_token=EAAB123&x=1',
      'GET /v26.0/1/events?access_token=[redacted]&x=1',
    ],
  ])('masks %s', (_case, input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it('keeps hashes, IDs, counts and dates', () => {
    const safe = {
      em: undefined,
      hash: 'a'.repeat(64),
      leadId: 'lead_abc123',
      dealId: '1234567',
      count: 42,
      at: '2026-11-23T12:00:00.000Z',
      status: 'failed:INVALID_ARGUMENT',
    };
    expect(redact(safe)).toEqual(safe);
  });

  it('walks nested objects, arrays and errors', () => {
    expect(
      redact({ outer: [{ user: { email: 'a@b.co' } }, 'x a@b.co'], error: new Error('no match for a@b.co') }),
    ).toEqual({
      outer: [{ user: { email: REDACTED } }, `x ${REDACTED}`],
      error: { name: 'Error', message: `no match for ${REDACTED}` },
    });
  });
});

describe('redactMessage', () => {
  it('removes emails, phone numbers, hashes and tokens from platform messages', () => {
    expect(
      redactMessage(
        `Invalid email jane@example.com, phone +1 (415) 555-0100, hash ${'a'.repeat(64)}, token ya29.abc-DEF`,
      ),
    ).toBe('Invalid email [email], phone [number], hash [hash], token [token]');
  });
});

describe('RedactingLogFormatter', () => {
  it('never prints an identifier handed to the logger', () => {
    const lines: string[] = [];
    const logger = new Logger({
      serviceName: 'test',
      logLevel: 'DEBUG',
      logFormatter: new RedactingLogFormatter(),
    });
    // Powertools writes through its own console; capture it.
    const original = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => {
      lines.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    try {
      logger.info('upload for jane@example.com', {
        user: { phone: '+14155550100' },
        note: 'tel 415-555-0100',
      });
    } finally {
      process.stdout.write = original;
    }
    const output = lines.join('');
    expect(output).toContain('"service":"test"');
    expect(output).not.toContain('jane@example.com');
    expect(output).not.toContain('14155550100');
    expect(output).not.toContain('555-0100');
  });
});
