/**
 * Local mode only: a collect key so that `npm start` and the samples in events/ work out of the box.
 * Never used by a deployment (Lambda reads its own environment), and any value set in the shell wins.
 */
export const LOCAL_COLLECT_API_KEY = 'local-dev-key-change-me';

export function applyLocalDefaults(env: NodeJS.ProcessEnv = process.env): void {
  env.COLLECT_API_KEYS ??= LOCAL_COLLECT_API_KEY;
  env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}
