import { join } from 'node:path';
import type { Config } from '../../lib/config';
import { publicBaseUrlFor } from '../public-url';
import { renderProject } from '../render-project';

/**
 * The HubSpot developer-platform project (reference/platform-apis.md §7): one app with static auth and
 * private distribution, installed in one account, whose webhooks component sends deal changes to
 * `/webhooks/hubspot`. Only the target URL differs between deployments; `hs project upload` is run from the
 * rendered directory.
 */
export const HUBSPOT_TEMPLATE_DIR = join(__dirname, 'project');
export const HUBSPOT_WEBHOOKS_FILE = 'src/app/webhooks/webhooks-hsmeta.json';
export const HUBSPOT_APP_FILE = 'src/app/app-hsmeta.json';

export function hubspotProjectValues(config: Pick<Config, 'publicBaseUrl'>): Record<string, string> {
  return { PUBLIC_BASE_URL: publicBaseUrlFor(config) };
}

export function configureHubspotProject(options: {
  config: Pick<Config, 'publicBaseUrl'>;
  outDir: string;
}): string[] {
  return renderProject({
    templateDir: HUBSPOT_TEMPLATE_DIR,
    outDir: options.outDir,
    values: hubspotProjectValues(options.config),
  });
}
