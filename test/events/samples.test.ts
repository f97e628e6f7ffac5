import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCollectHandler } from '../../functions/collect';
import type { HttpResult } from '../../lib/http/request';
import { LOCAL_COLLECT_API_KEY } from '../../local/env';
import { createLambdaContext } from '../../local/lambda-context';
import { createTestTable } from '../support/dynamo';
import { createTestRuntime } from '../support/runtime';

const EVENTS = join(__dirname, '..', '..', 'events');
const samples = (folder: string) =>
  readdirSync(join(EVENTS, folder)).map((file) => ({
    file,
    event: JSON.parse(readFileSync(join(EVENTS, folder, file), 'utf8')),
  }));

/**
 * Every sample in events/ goes through its handler exactly as `npm run invoke` sends it: good ones are
 * accepted, `bad-*` ones rejected with a 4xx. Samples and schemas cannot drift apart.
 */
describe('events/collect samples', () => {
  let handler: ReturnType<typeof createCollectHandler>;
  beforeAll(async () => {
    const table = await createTestTable();
    handler = createCollectHandler(createTestRuntime(table, { COLLECT_API_KEYS: LOCAL_COLLECT_API_KEY }));
  });

  it.each(samples('collect'))('$file', async ({ file, event }) => {
    const result = (await handler(event, createLambdaContext('collect'))) as HttpResult;

    if (file.startsWith('bad-')) {
      expect(result.statusCode).toBeGreaterThanOrEqual(400);
      expect(result.statusCode).toBeLessThan(500);
    } else expect(result.statusCode).toBe(202);
  });
});
