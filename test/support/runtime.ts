import { createRuntime, type Runtime, type RuntimeOverrides } from '../../functions/runtime';
import type { TestTable } from './dynamo';

export const TEST_COLLECT_KEY = 'test-collect-key-0123456789';

/** A runtime on the test's own table with the given configuration (names as in DESIGN.md). */
export function createTestRuntime(
  table: TestTable,
  env: Record<string, string | undefined> = {},
  overrides: RuntimeOverrides = {},
): Runtime {
  return createRuntime(
    {
      TABLE_NAME: table.tableName,
      DYNAMODB_ENDPOINT: table.endpoint,
      COLLECT_API_KEYS: TEST_COLLECT_KEY,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      ...env,
    },
    { dynamo: table.client, ...overrides },
  );
}
