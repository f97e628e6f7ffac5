/** Meta Graph API version of the Conversions API, pinned; META_API_VERSION overrides it. */
export const META_API_VERSION = 'v26.0';
