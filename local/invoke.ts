import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { HttpEvent } from '../lib/http/request';
import { FUNCTION_NAMES, type FunctionName } from '../lib/http/routes';
import { useLocalDynamo } from './dynamo';
import { applyLocalDefaults } from './env';
import { loadHandler } from './functions';
import { prepareHubspotSample } from './hubspot-signing';
import { createLambdaContext } from './lambda-context';

const USAGE = `usage: npm run invoke -- <function> <event-file>
functions: ${FUNCTION_NAMES.join(', ')}
example:   npm run invoke -- collect events/collect/reshape-lead-created.json
HubSpot samples are re-signed with HUBSPOT_CLIENT_SECRET and a fresh timestamp (bad-signature*, bad-stale* excepted).`;

/**
 * Invokes one deployed handler by hand with an event file and prints its result. Uses DYNAMODB_ENDPOINT
 * when set (e.g. the one `npm start` prints), otherwise a throw-away embedded DynamoDB.
 */
async function main(argv: string[]): Promise<number> {
  const [name, file] = argv;
  if (!name || !file || !FUNCTION_NAMES.includes(name as FunctionName)) {
    console.error(USAGE);
    return 2;
  }
  let event: unknown = JSON.parse(await readFile(file, 'utf8'));
  applyLocalDefaults();
  // A saved HubSpot request is older than HubSpot's 5-minute window and signed with someone else's secret.
  if (name === 'hubspot-webhook' && process.env.HUBSPOT_CLIENT_SECRET) {
    event = prepareHubspotSample(basename(file), event as HttpEvent, {
      clientSecret: process.env.HUBSPOT_CLIENT_SECRET,
      now: Date.now(),
      publicBaseUrl: process.env.PUBLIC_BASE_URL,
    });
  }
  const dynamo = await useLocalDynamo();
  try {
    const handler = await loadHandler(name as FunctionName);
    if (!handler) {
      console.error(`${name} is not available in this version`);
      return 2;
    }
    const result = await handler(event, createLambdaContext(name as FunctionName));
    console.log(JSON.stringify(result, null, 2));
    return 0;
  } finally {
    await dynamo.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error((error as Error).message);
    process.exit(1);
  },
);
