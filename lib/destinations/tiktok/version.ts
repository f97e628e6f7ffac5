/** TikTok Events API 2.0 lives under the Business API's `/open_api/v1.3/`. */
export const TIKTOK_API_VERSION = 'v1.3';
