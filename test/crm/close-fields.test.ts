import { describe, expect, it } from 'vitest';
import {
  cleanCrmText,
  normaliseCurrency,
  parseAmount,
  parseCrmTimestamp,
  parseFlag,
  parseLeadId,
  readCrmAmount,
  readCrmCurrency,
  salesCycleDays,
} from '../../lib/crm/close-fields';

describe('parseCrmTimestamp', () => {
  it('reads epoch ms as numbers and digit strings (HubSpot webhooks)', () => {
    expect(parseCrmTimestamp(1_762_092_300_000)).toBe(1_762_092_300_000);
    expect(parseCrmTimestamp('1762092300000')).toBe(1_762_092_300_000);
  });

  it('reads ISO 8601 date-times with zone (HubSpot v3 API, Salesforce)', () => {
    expect(parseCrmTimestamp('2026-11-02T14:05:00.000Z')).toBe(Date.UTC(2026, 10, 2, 14, 5));
    expect(parseCrmTimestamp('2026-11-02T14:05:00.000+0000')).toBe(Date.UTC(2026, 10, 2, 14, 5));
    expect(parseCrmTimestamp('2026-11-02T16:05:00+02:00')).toBe(Date.UTC(2026, 10, 2, 14, 5));
  });

  it('reads a date-only value as 00:00 UTC so that it is never in the future', () => {
    expect(parseCrmTimestamp('2026-11-02')).toBe(Date.UTC(2026, 10, 2));
  });

  it('rejects zone-less date-times, seconds, garbage and implausible years', () => {
    expect(parseCrmTimestamp('2026-11-02T14:05:00')).toBeUndefined();
    expect(parseCrmTimestamp('1762092300')).toBeUndefined();
    expect(parseCrmTimestamp('yesterday')).toBeUndefined();
    expect(parseCrmTimestamp('1890-01-01')).toBeUndefined();
    expect(parseCrmTimestamp(undefined)).toBeUndefined();
  });
});

describe('field readers', () => {
  it('parseAmount accepts non-negative decimals only', () => {
    expect(parseAmount('1500.50')).toBe(1500.5);
    expect(parseAmount(' 42 ')).toBe(42);
    expect(parseAmount(7)).toBe(7);
    expect(parseAmount('-5')).toBeUndefined();
    expect(parseAmount('1e3')).toBeUndefined();
    expect(parseAmount('')).toBeUndefined();
    expect(parseAmount(Number.NaN)).toBeUndefined();
  });

  it.each([
    ['1,500.50', 1500.5],
    ['$1,500', 1500],
    ['1.500,50 €', 1500.5],
    ['€1.234.567,89', 1234567.89],
    ['EUR 1500', 1500],
    ['1 500 000,50', 1500000.5],
    ['1500,50', 1500.5],
    ['1.5', 1.5],
  ])('readCrmAmount reads %j as %d, the same for every CRM', (text, value) => {
    expect(readCrmAmount(text)).toEqual({ kind: 'amount', value });
  });

  it.each(['lots', '1e3', '-5', '12,34,567', '1000000000000000000000'])(
    'readCrmAmount calls %j unreadable, never 0',
    (text) => {
      expect(readCrmAmount(text).kind).toBe('unreadable');
    },
  );

  it('readCrmAmount: absent is absent; numbers beyond Number.MAX_SAFE_INTEGER or not finite are unreadable', () => {
    expect(readCrmAmount(undefined)).toEqual({ kind: 'absent' });
    expect(readCrmAmount(' ')).toEqual({ kind: 'absent' });
    expect(readCrmAmount(1e21).kind).toBe('unreadable');
    expect(readCrmAmount(Number.POSITIVE_INFINITY).kind).toBe('unreadable');
  });

  it('readCrmCurrency names a code outside ISO 4217 as the reason, with the default in its place', () => {
    expect(readCrmCurrency('eur', 'USD', 'deal_currency_code')).toEqual({ currency: 'EUR' });
    expect(readCrmCurrency('', 'USD', 'deal_currency_code')).toEqual({ currency: 'USD' });
    expect(readCrmCurrency('BTC', 'USD', 'deal_currency_code')).toEqual({
      currency: 'USD',
      unusable: {
        reason: 'invalid_currency',
        message: 'deal_currency_code is not an ISO 4217 currency code',
      },
    });
  });

  it('normaliseCurrency upper-cases ISO codes and falls back otherwise', () => {
    expect(normaliseCurrency('eur', 'USD')).toBe('EUR');
    expect(normaliseCurrency('euro', 'USD')).toBe('USD');
    expect(normaliseCurrency(undefined, 'GBP')).toBe('GBP');
  });

  it('parseFlag reads true/false text and booleans', () => {
    expect(parseFlag('true')).toBe(true);
    expect(parseFlag(' FALSE ')).toBe(false);
    expect(parseFlag(true)).toBe(true);
    expect(parseFlag('1')).toBeUndefined();
  });

  it('salesCycleDays counts whole days and never goes negative', () => {
    expect(salesCycleDays(Date.UTC(2026, 8, 1), Date.UTC(2026, 9, 16, 12))).toBe(45);
    expect(salesCycleDays(Date.UTC(2026, 9, 2), Date.UTC(2026, 9, 1))).toBe(0);
    expect(salesCycleDays(undefined, 1)).toBeUndefined();
  });

  it('cleanCrmText trims, blanks control characters and caps the length', () => {
    expect(cleanCrmText('  Lost\tto\ncompetitor ')).toBe('Lost to competitor');
    expect(cleanCrmText('   ')).toBeUndefined();
    expect(cleanCrmText('abcdef', 3)).toBe('abc');
  });

  it('parseLeadId keeps printable IDs up to 128 characters', () => {
    expect(parseLeadId(' lead_abc123 ')).toBe('lead_abc123');
    expect(parseLeadId(123)).toBe('123');
    expect(parseLeadId('a'.repeat(129))).toBeUndefined();
    expect(parseLeadId('lead\u0000x')).toBeUndefined();
    expect(parseLeadId('')).toBeUndefined();
  });
});
