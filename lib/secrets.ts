import type { Env } from './config';

/**
 * In a deployment, secrets (and optionally any other setting) live in SSM Parameter Store under one
 * path, one parameter per configuration name: `/crm-conversions/prod/HUBSPOT_CLIENT_SECRET`
 * (SecureString). `SSM_PARAMETER_PATH` names the path; the whole path is read in one paginated
 * GetParametersByPath at cold start. Locally nothing is read: plain env only.
 */
export type ParameterLoader = (path: string) => Promise<Record<string, string | undefined>>;

/** Configuration names are upper snake case; anything else under the path is not ours and is ignored. */
const CONFIG_NAME = /^[A-Z][A-Z0-9_]*$/;

/**
 * The environment with parameters filled in. A value set in the environment itself wins, so an operator
 * can override one setting for a stage without touching Parameter Store.
 */
export async function resolveParameters(env: Env, load: ParameterLoader): Promise<Env> {
  const path = env.SSM_PARAMETER_PATH?.trim();
  if (!path) return env;
  const parameters = await load(path.replace(/\/+$/, ''));
  const resolved: Record<string, string | undefined> = { ...env };
  for (const [name, value] of Object.entries(parameters)) {
    if (!CONFIG_NAME.test(name) || value === undefined) continue;
    if (resolved[name] === undefined || resolved[name] === '') resolved[name] = value;
  }
  return resolved;
}
