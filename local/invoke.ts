import { readFile } from 'node:fs/promises';
import { FUNCTION_NAMES, type FunctionName } from '../lib/http/routes';
import { useLocalDynamo } from './dynamo';
import { applyLocalDefaults } from './env';
import { loadHandler } from './functions';
import { createLambdaContext } from './lambda-context';

const USAGE = `usage: npm run invoke -- <function> <event-file>
functions: ${FUNCTION_NAMES.join(', ')}
example:   npm run invoke -- collect events/collect/reshape-lead-created.json`;

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
  const event: unknown = JSON.parse(await readFile(file, 'utf8'));
  applyLocalDefaults();
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
