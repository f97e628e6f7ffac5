import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { HTTP_ROUTES } from '../../lib/http/routes';
import { describeTable, TTL_ATTRIBUTE } from '../../lib/store/table';

const serverless = parse(readFileSync(join(__dirname, '..', '..', 'serverless.yml'), 'utf8'));
const table = serverless.resources.Resources.ConversionsTable.Properties;

const sortByName = <T extends { AttributeName?: string }>(items: T[] | undefined) =>
  [...(items ?? [])].sort((a, b) => String(a.AttributeName).localeCompare(String(b.AttributeName)));

describe('serverless.yml', () => {
  const local = describeTable('any');

  it('declares the table with the same keys, attributes and due index as the local definition', () => {
    expect(table.KeySchema).toEqual(local.KeySchema);
    expect(sortByName(table.AttributeDefinitions)).toEqual(sortByName(local.AttributeDefinitions));
    expect(table.GlobalSecondaryIndexes).toEqual(local.GlobalSecondaryIndexes);
    expect(table.BillingMode).toBe(local.BillingMode);
  });

  it('enables TTL on the attribute the store writes', () => {
    expect(table.TimeToLiveSpecification).toEqual({ AttributeName: TTL_ATTRIBUTE, Enabled: true });
  });

  it('routes exactly DESIGN.md HTTP routes to their functions', () => {
    const declared = Object.entries(
      serverless.functions as Record<string, { events?: { httpApi?: { method: string; path: string } }[] }>,
    )
      .flatMap(([name, fn]) =>
        (fn.events ?? [])
          .filter((event) => event.httpApi)
          .map((event) => ({ functionName: name, method: event.httpApi?.method, path: event.httpApi?.path })),
      )
      .sort((a, b) => a.path?.localeCompare(b.path ?? '') ?? 0);
    expect(declared).toEqual(
      [...HTTP_ROUTES]
        .map(({ functionName, method, path }) => ({ functionName, method, path }))
        .sort((a, b) => a.path.localeCompare(b.path)),
    );
  });
});
