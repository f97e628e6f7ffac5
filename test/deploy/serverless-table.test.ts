import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CRM_SOURCES } from '../../lib/crm/registry';
import { FUNCTION_NAMES, HTTP_ROUTES } from '../../lib/http/routes';
import { describeTable, TTL_ATTRIBUTE } from '../../lib/store/table';
import { DEFAULT_TIMEOUT_SECONDS, FUNCTION_TIMEOUT_SECONDS } from '../../local/lambda-context';

const ROOT = join(__dirname, '..', '..');
const serverless = parse(readFileSync(join(ROOT, 'serverless.yml'), 'utf8'));
type DeclaredFunction = {
  handler?: string;
  environment?: Record<string, string>;
  timeout?: number;
  events?: { httpApi?: { method: string; path: string } }[];
};
const functions = serverless.functions as Record<string, DeclaredFunction>;
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
    const declared = Object.entries(functions)
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

  it("declares exactly the listed functions (the core ones and the CRMs'), each from functions/<name>.ts", () => {
    expect(Object.keys(functions).sort()).toEqual([...FUNCTION_NAMES].sort());
    for (const name of FUNCTION_NAMES) {
      // A CRM that declares `lambda` is served by functions/crm-webhook.ts, named by CRM_NAME.
      const generic = CRM_SOURCES.find(
        (crm) => crm.lambda && crm.routes.some((route) => route.functionName === name),
      );
      if (generic) {
        expect(functions[name]?.handler, name).toBe('functions/crm-webhook.handler');
        expect(functions[name]?.environment?.CRM_NAME, name).toBe(generic.name);
        continue;
      }
      expect(functions[name]?.handler, name).toBe(`functions/${name}.handler`);
      expect(existsSync(join(ROOT, 'functions', `${name}.ts`)), name).toBe(true);
    }
  });

  it("serves every registered CRM's webhook routes with the CRM's own functions", () => {
    for (const crm of CRM_SOURCES) {
      expect(crm.routes.length, crm.name).toBeGreaterThan(0);
      for (const route of crm.routes) {
        expect(functions[route.functionName]?.events, `${crm.name} ${route.path}`).toContainEqual({
          httpApi: { method: route.method, path: route.path },
        });
      }
    }
  });

  it("deploys every registered CRM's event intakes on demand: off by default, on the bus their parameter names", () => {
    const intakes = CRM_SOURCES.flatMap((crm) => crm.eventIntakes ?? []);
    expect(intakes.length).toBeGreaterThan(0);
    const resources = serverless.resources.Resources as Record<string, Record<string, unknown>>;
    const conditions = serverless.resources.Conditions as Record<string, unknown>;
    for (const intake of intakes) {
      const fn = functions[intake.functionName] as DeclaredFunction & { condition?: string; role?: string };
      // Its condition is "the bus parameter is set", and the parameter's default is empty.
      expect(fn.condition, intake.functionName).toBeDefined();
      expect(conditions[fn.condition as string]).toEqual({
        'Fn::Not': [{ 'Fn::Equals': [`\${param:${intake.busParameter}}`, ''] }],
      });
      expect(serverless.params.default[intake.busParameter]).toBe('');
      // No HTTP route reaches it: its trigger is a rule of that condition, on that bus, with the pattern.
      expect(fn.events ?? []).toEqual([]);
      const rules = Object.values(resources).filter(
        (resource) =>
          resource.Type === 'AWS::Events::Rule' &&
          JSON.stringify(resource).includes(
            `${intake.functionName.replace(/^./, (c) => c.toUpperCase()).replace(/-/g, 'Dash')}LambdaFunction`,
          ),
      );
      expect(rules).toHaveLength(1);
      expect(rules[0]).toMatchObject({
        Condition: fn.condition,
        Properties: {
          EventBusName: `\${param:${intake.busParameter}}`,
          EventPattern: intake.eventPattern,
        },
      });
      expect(resources[fn.role as string]).toMatchObject({ Condition: fn.condition });
    }
  });

  it("gives local invocations each function's deployed timeout", () => {
    expect(serverless.provider.timeout).toBe(DEFAULT_TIMEOUT_SECONDS);
    for (const name of FUNCTION_NAMES) {
      expect(FUNCTION_TIMEOUT_SECONDS[name] ?? DEFAULT_TIMEOUT_SECONDS, name).toBe(
        functions[name]?.timeout ?? serverless.provider.timeout,
      );
    }
  });
});
