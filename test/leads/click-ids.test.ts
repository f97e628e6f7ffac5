import { describe, expect, it } from 'vitest';
import type { ClickIds } from '../../lib/domain';
import {
  extractClickIds,
  isValidFbc,
  isValidFbp,
  mergeClickIds,
  sanitisePageUrl,
} from '../../lib/leads/click-ids';

const CAPTURED_AT_MS = 1_767_225_600_000; // 2026-01-01T00:00:00Z
const FBCLID = 'IwAR2F4-dbP0l7Mn1IawQQGCINEz7PYXQvwjNwB_qa2ofrHyiLjcbCRxTDMgk';

describe('extractClickIds', () => {
  it('reads every click id parameter from the landing URL query', () => {
    const url =
      'https://example.com/offer?utm_source=x&gclid=Cj0KCQ_abc-123&gbraid=0AAAAAbr&wbraid=CkwKCAwbr' +
      `&fbclid=${FBCLID}&ttclid=E.C.P.tt123&msclkid=5f1b2c3d4e`;

    const clickIds = extractClickIds({ url, capturedAtMs: CAPTURED_AT_MS });

    expect(clickIds).toEqual({
      gclid: 'Cj0KCQ_abc-123',
      gbraid: '0AAAAAbr',
      wbraid: 'CkwKCAwbr',
      fbclid: FBCLID,
      fbc: `fb.1.${CAPTURED_AT_MS}.${FBCLID}`,
      ttclid: 'E.C.P.tt123',
      msclkid: '5f1b2c3d4e',
    });
  });

  it.each([
    ['percent-encoded value', 'https://example.com/?gclid=abc%2Ddef%5Fghi', 'abc-def_ghi'],
    ['first of repeated parameters', 'https://example.com/?gclid=first&gclid=second', 'first'],
    ['first non-empty of repeated parameters', 'https://example.com/?gclid=&gclid=second', 'second'],
    ['value with surrounding spaces', 'https://example.com/?gclid=%20abc%20', 'abc'],
    ['relative URL', '/landing?gclid=rel123', 'rel123'],
    ['query string with "?"', '?gclid=q123&utm_medium=cpc', 'q123'],
    ['bare query string', 'gclid=bare123&utm_medium=cpc', 'bare123'],
    ['hash-routed page', 'https://example.com/#/offer?gclid=frag123', 'frag123'],
    ['gclid with characters outside [A-Za-z0-9_-]', 'https://example.com/?gclid=abc.def~1%2B', 'abc.def~1+'],
  ])('reads the gclid from a %s', (_label, url, expected) => {
    expect(extractClickIds({ url, capturedAtMs: CAPTURED_AT_MS }).gclid).toBe(expected);
  });

  it('prefers the real query to a fragment query', () => {
    const clickIds = extractClickIds({ url: 'https://e.com/?gclid=query#x?gclid=frag', capturedAtMs: 0 });

    expect(clickIds.gclid).toBe('query');
  });

  it.each([
    ['no query', 'https://example.com/landing'],
    ['an empty query', 'https://example.com/?'],
    ['an unparseable URL', 'http://'],
    ['a URL with a bad host', 'https://exa mple.com/?gclid=abc'],
    ['plain text', 'not a url'],
    ['an empty string', ''],
    ['only empty values', 'https://example.com/?gclid=&fbclid=%20'],
  ])('finds nothing in %s', (_label, url) => {
    expect(extractClickIds({ url, capturedAtMs: CAPTURED_AT_MS })).toEqual({});
  });

  it('returns nothing without a URL or explicit values', () => {
    expect(extractClickIds({ capturedAtMs: CAPTURED_AT_MS })).toEqual({});
  });

  it('lets explicit values override the URL', () => {
    const clickIds = extractClickIds({
      url: 'https://example.com/?gclid=from-url&wbraid=url-wbraid',
      explicit: { gclid: ' explicit-gclid ', ttclid: 'tt-explicit' },
      capturedAtMs: CAPTURED_AT_MS,
    });

    expect(clickIds).toEqual({ gclid: 'explicit-gclid', wbraid: 'url-wbraid', ttclid: 'tt-explicit' });
  });

  it('ignores an empty explicit value and falls back to the URL', () => {
    const clickIds = extractClickIds({
      url: 'https://example.com/?gclid=from-url',
      explicit: { gclid: '   ' },
      capturedAtMs: CAPTURED_AT_MS,
    });

    expect(clickIds.gclid).toBe('from-url');
  });

  it('drops ids over the length cap and ids with control characters', () => {
    const clickIds = extractClickIds({
      explicit: { gclid: 'a'.repeat(513), msclkid: 'ab\ncd', ttclid: 'b'.repeat(512) },
      capturedAtMs: CAPTURED_AT_MS,
    });

    expect(clickIds).toEqual({ ttclid: 'b'.repeat(512) });
  });

  it('never changes the case of an id', () => {
    expect(extractClickIds({ url: `/?fbclid=${FBCLID}`, capturedAtMs: CAPTURED_AT_MS }).fbclid).toBe(FBCLID);
  });
});

describe('extractClickIds fbc', () => {
  const cookieFbc = `fb.1.1767000000000.${FBCLID}`;

  it('builds fb.1.<capture ms>.<fbclid> when only an fbclid exists', () => {
    const clickIds = extractClickIds({
      url: `https://e.com/?fbclid=${FBCLID}`,
      capturedAtMs: CAPTURED_AT_MS,
    });

    expect(clickIds.fbc).toBe(`fb.1.1767225600000.${FBCLID}`);
    expect(isValidFbc(clickIds.fbc ?? '')).toBe(true);
  });

  it('uses a valid explicit fbc over a built one', () => {
    const clickIds = extractClickIds({
      url: `https://e.com/?fbclid=${FBCLID}`,
      explicit: { fbc: cookieFbc },
      capturedAtMs: CAPTURED_AT_MS,
    });

    expect(clickIds.fbc).toBe(cookieFbc);
  });

  it('uses the _fbc cookie when no fbc field is given', () => {
    const clickIds = extractClickIds({ explicit: { _fbc: cookieFbc }, capturedAtMs: CAPTURED_AT_MS });

    expect(clickIds).toEqual({ fbc: cookieFbc });
  });

  it('drops an invalid explicit fbc and builds one from the fbclid instead', () => {
    const clickIds = extractClickIds({
      url: `https://e.com/?fbclid=${FBCLID}`,
      explicit: { fbc: `fb.1.1767000000.${FBCLID}` },
      capturedAtMs: CAPTURED_AT_MS,
    });

    expect(clickIds.fbc).toBe(`fb.1.${CAPTURED_AT_MS}.${FBCLID}`);
  });

  it('drops an invalid explicit fbc when there is no fbclid', () => {
    expect(extractClickIds({ explicit: { fbc: FBCLID }, capturedAtMs: CAPTURED_AT_MS })).toEqual({});
  });

  it('replaces a cookie from an earlier click when the URL brings a new fbclid', () => {
    const clickIds = extractClickIds({
      url: '/?fbclid=NewClick123',
      explicit: { _fbc: cookieFbc },
      capturedAtMs: CAPTURED_AT_MS,
    });

    expect(clickIds.fbc).toBe(`fb.1.${CAPTURED_AT_MS}.NewClick123`);
  });

  it('does not build an fbc from an unusable capture time', () => {
    const clickIds = extractClickIds({ url: `/?fbclid=${FBCLID}`, capturedAtMs: Number.NaN });

    expect(clickIds).toEqual({ fbclid: FBCLID });
  });
});

describe('extractClickIds cookies', () => {
  it.each([
    ['GA1.1.1234567890.1700000000', '1234567890.1700000000'],
    ['GA1.2.987654321.1699999999', '987654321.1699999999'],
    [' GA1.3.111.222 ', '111.222'],
  ])('reads the GA client id from the _ga cookie %j', (ga, expected) => {
    expect(extractClickIds({ explicit: { _ga: ga }, capturedAtMs: 0 }).gaClientId).toBe(expected);
  });

  it.each([['GS1.1.1700000000.1.0.1700000000.0.0.0'], ['1234567890'], ['']])(
    'ignores a _ga cookie that is not one: %j',
    (ga) => {
      expect(extractClickIds({ explicit: { _ga: ga }, capturedAtMs: 0 }).gaClientId).toBeUndefined();
    },
  );

  it('prefers an explicit gaClientId, reading a cookie-shaped value too', () => {
    expect(
      extractClickIds({ explicit: { gaClientId: '555.666', _ga: 'GA1.1.111.222' }, capturedAtMs: 0 })
        .gaClientId,
    ).toBe('555.666');
    expect(extractClickIds({ explicit: { gaClientId: 'GA1.1.111.222' }, capturedAtMs: 0 }).gaClientId).toBe(
      '111.222',
    );
  });

  it('keeps a valid fbp (field or _fbp cookie) and drops an invalid one', () => {
    const valid = 'fb.1.1596403881668.1116446470';

    expect(extractClickIds({ explicit: { _fbp: valid }, capturedAtMs: 0 }).fbp).toBe(valid);
    expect(
      extractClickIds({ explicit: { fbp: 'fb.1.159640388.1116446470' }, capturedAtMs: 0 }).fbp,
    ).toBeUndefined();
    expect(extractClickIds({ explicit: { fbp: 'junk', _fbp: valid }, capturedAtMs: 0 }).fbp).toBe(valid);
  });

  it('reads the TikTok _ttp cookie', () => {
    expect(extractClickIds({ explicit: { _ttp: ' 2abcDEF_ttp ' }, capturedAtMs: 0 }).ttp).toBe('2abcDEF_ttp');
  });
});

describe('isValidFbc', () => {
  it.each([
    [`fb.1.1767225600000.${FBCLID}`, true],
    ['fb.0.1767225600000.abc', true],
    ['fb.2.1767225600000.abc', true],
    ['fb.1.1767225600000.IwZXh0bgNhZW0BMAABHd_aem_xyz.Bg', true],
    ['fb.3.1767225600000.abc', false],
    ['fb.1.1767225600.abc', false],
    ['fb.1.1767225600000.', false],
    ['fb.1.1767225600000.ab c', false],
    ['fb.1.abc.def', false],
    [FBCLID, false],
    ['', false],
  ])('%j → %s', (value, expected) => {
    expect(isValidFbc(value)).toBe(expected);
  });
});

describe('isValidFbp', () => {
  it.each([
    ['fb.1.1596403881668.1116446470', true],
    ['fb.2.1596403881668.1116446470', true],
    ['fb.1.1596403881668.1116446470.AQ', true],
    ['fb.1.1596403881.1116446470', false],
    ['fb.1.1596403881668.abc', false],
    ['fb.1.1596403881668', false],
    ['', false],
  ])('%j → %s', (value, expected) => {
    expect(isValidFbp(value)).toBe(expected);
  });
});

describe('mergeClickIds', () => {
  it('never erases an existing id with a missing one', () => {
    const previous: ClickIds = { gclid: 'old-gclid', fbc: 'fb.1.1767000000000.old' };

    expect(mergeClickIds(previous, { ttclid: 'tt' })).toEqual({
      gclid: 'old-gclid',
      fbc: 'fb.1.1767000000000.old',
      ttclid: 'tt',
    });
  });

  it('replaces an id with a present new value', () => {
    expect(mergeClickIds({ gclid: 'old', wbraid: 'w' }, { gclid: 'new' })).toEqual({
      gclid: 'new',
      wbraid: 'w',
    });
  });

  it('ignores undefined and empty new values', () => {
    expect(mergeClickIds({ gclid: 'old' }, { gclid: undefined, fbp: '' })).toEqual({ gclid: 'old' });
  });

  it('starts from nothing when there is no previous capture', () => {
    expect(mergeClickIds(undefined, { gbraid: 'g' })).toEqual({ gbraid: 'g' });
  });

  it('does not mutate its inputs', () => {
    const previous: ClickIds = { gclid: 'old' };

    mergeClickIds(previous, { gclid: 'new' });

    expect(previous).toEqual({ gclid: 'old' });
  });
});

describe('sanitisePageUrl', () => {
  it.each([
    ['https://example.com/pricing?email=jane%40example.com&gclid=x#form', 'https://example.com/pricing'],
    ['http://Example.COM:8080/a/b/', 'http://example.com:8080/a/b/'],
    ['https://user:secret@example.com/p', 'https://example.com/p'],
    ['https://example.com', 'https://example.com/'],
    ['  https://example.com/x  ', 'https://example.com/x'],
  ])('reduces %j to %j', (url, expected) => {
    expect(sanitisePageUrl(url)).toBe(expected);
  });

  it.each([['/relative/path'], ['ftp://example.com/file'], ['javascript:alert(1)'], ['not a url'], ['']])(
    'rejects %j',
    (url) => {
      expect(sanitisePageUrl(url)).toBeUndefined();
    },
  );
});
