import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../lib/config';
import { configureHubspotProject } from './hubspot/configure';
import { configureSalesforceProject } from './salesforce/configure';

/**
 * `npm run setup:hubspot` / `npm run setup:salesforce -- --integration-user <username>`: renders the CRM's
 * setup project from the connector's own configuration (PUBLIC_BASE_URL, SALESFORCE_WEBHOOK_TOKEN, the
 * SALESFORCE_*_FIELD names, read as the connector reads them) into crm-setup/build/<crm>, ready for the
 * CRM's own CLI. docs/crm-setup.md walks through both.
 */
const usage = `usage:
  npm run setup:hubspot [-- --out <dir>]
  npm run setup:salesforce -- --integration-user <username> [--multi-currency]
                              [--existing-field Object.Field ...] [--out <dir>]`;

function main(argv: string[]): void {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      'integration-user': { type: 'string' },
      'multi-currency': { type: 'boolean', default: false },
      'existing-field': { type: 'string', multiple: true, default: [] },
    },
  });
  const crm = positionals[0];
  if (positionals.length !== 1 || (crm !== 'hubspot' && crm !== 'salesforce')) throw new Error(usage);
  const config = loadConfig(process.env);
  const outDir = values.out ?? join(__dirname, 'build', crm);
  const shown = relative(process.cwd(), outDir) || '.';
  if (crm === 'hubspot') {
    const files = configureHubspotProject({ config, outDir });
    console.log(`HubSpot project rendered in ${shown} (${files.length} files). Next:`);
    console.log(`  cd ${shown} && hs project upload`);
    return;
  }
  const integrationUser = values['integration-user'];
  if (integrationUser === undefined) throw new Error(`--integration-user is required\n${usage}`);
  const files = configureSalesforceProject({
    config,
    integrationUser,
    multiCurrency: values['multi-currency'],
    existingFields: values['existing-field'],
    outDir,
  });
  console.log(`Salesforce project rendered in ${shown} (${files.length} files). Next:`);
  console.log(`  cd ${shown} && sf project deploy start --target-org <alias>`);
  // Fields deployed by the Metadata API are hidden from everyone; the message is built as this user.
  console.log(
    `  sf org assign permset --name CRM_Conversions --on-behalf-of ${integrationUser} --target-org <alias>`,
  );
}

try {
  main(process.argv.slice(2));
} catch (error) {
  console.error(`setup: ${(error as Error).message}`);
  process.exit(1);
}
