/** Google Ads API version (legacy upload mode), pinned; GOOGLE_ADS_API_VERSION overrides it. */
export const GOOGLE_ADS_API_VERSION = 'v26';
/** Data Manager API (`/v1/events:ingest`); not configurable: there is one version. */
export const DATA_MANAGER_API_VERSION = 'v1';
