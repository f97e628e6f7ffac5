/**
 * Ad click identifiers a lead brings with it. All are kept: which one a conversion uses is decided at
 * upload time (Google: gclid, else gbraid, else wbraid — never both braids; platform-apis.md §6).
 */
export type ClickIds = {
  gclid?: string;
  /**
   * Google's click cookie `_gcl_aw` as the site's tag wrote it, `GCL.<click time, Unix seconds>.<gclid>`:
   * the only place an order (or lead) says when its Google click happened (googleClickTime reads it).
   */
  gclAw?: string;
  gbraid?: string;
  wbraid?: string;
  fbclid?: string;
  /** Meta click id cookie value, `fb.<subdomainIndex>.<creation ms>.<fbclid>`; sent unhashed. */
  fbc?: string;
  /** Meta browser id cookie value, `fb.<subdomainIndex>.<creation ms>.<random>`; sent unhashed. */
  fbp?: string;
  ttclid?: string;
  msclkid?: string;
  /** GA4 client id ("1234567890.1700000000"), the `client_id` of the Measurement Protocol. */
  gaClientId?: string;
  /** TikTok browser id cookie value. */
  ttp?: string;
};

/**
 * The identifiers we store and upload: SHA-256 hex of each platform's normalised value, except
 * Google's `regionCode` and `postalCode`, which Google wants in clear (Data Manager AddressInfo).
 * Field names follow each platform's payload so that the mapping to it stays trivial.
 */
export type HashedIdentity = {
  google: {
    emails: string[];
    phones: string[];
    givenName?: string;
    familyName?: string;
    street?: string;
    /** ISO 3166-1 alpha-2, upper case, NOT hashed. */
    regionCode?: string;
    /** NOT hashed. */
    postalCode?: string;
  };
  meta: {
    em: string[];
    ph: string[];
    fn?: string;
    ln?: string;
    ct?: string;
    st?: string;
    zp?: string;
    /** Hash of the lowercase ISO-2 code. */
    country?: string;
    ge?: string;
    db?: string;
  };
};

const GCL_AW_SHAPE = /^GCL\.(\d{10})\.([\x21-\x7e]+)$/;

/** The gclid and click time (ms) of a `_gcl_aw` cookie value, or undefined when it is not one. */
export function parseGclAw(value: string | undefined): { gclid: string; clickedAt: number } | undefined {
  const match = value === undefined ? null : GCL_AW_SHAPE.exec(value);
  return match ? { gclid: match[2] as string, clickedAt: Number(match[1]) * 1000 } : undefined;
}
