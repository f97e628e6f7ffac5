import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { HttpEvent } from '../lib/http/request';
import { FUNCTION_NAMES, type FunctionName } from '../lib/http/routes';
import { formatBackfillProgress } from './backfill-progress';
import { useLocalDynamo } from './dynamo';
import { applyLocalDefaults } from './env';
import { type AnyHandler, loadHandler } from './functions';
import { prepareHubspotSample } from './hubspot-signing';
import { createLambdaContext } from './lambda-context';

const USAGE = `usage: npm run invoke -- <function> <event-file>
functions: ${FUNCTION_NAMES.join(', ')}
example:   npm run invoke -- collect events/collect/reshape-lead-created.json
           npm run invoke -- backfill events/backfill/manual-window.json   (progress on stderr when it is a terminal)
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
    const handler =
      name === 'backfill' && process.stderr.isTTY
        ? await backfillWithProgress()
        : await loadHandler(name as FunctionName);
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

/** The deployed backfill handler, printing its progress to the terminal (a long manual window can take minutes). */
async function backfillWithProgress(): Promise<AnyHandler> {
  const [{ createBackfillHandler }, { getDefaultRuntime }] = await Promise.all([
    import('../functions/backfill'),
    import('../functions/runtime'),
  ]);
  return createBackfillHandler(getDefaultRuntime, {
    onProgress: (progress) => process.stderr.write(`${formatBackfillProgress(progress)}\n`),
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error((error as Error).message);
    process.exit(1);
  },
);
