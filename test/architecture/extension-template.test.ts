import { execFile } from 'node:child_process';
import {
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

/**
 * docs/extending.md's promise, proved: a new destination and a new CRM are each their own folder plus their
 * registry line. The connector is copied to a scratch folder, the test-only templates of
 * test/fixtures/extension-template/ go in as lib/destinations/template/ and lib/crm/template/, each registry
 * gets its import and its list entry, and nothing else is touched; then the copy must type-check, and a
 * driver run in it must see the template's settings composed and validated with everyone else's, its route
 * among the routes, and a close taken by the template CRM's webhook reach the template destination through
 * the real runtime and pipeline.
 */
const ROOT = join(__dirname, '..', '..');
const TEMPLATES = join(ROOT, 'test', 'fixtures', 'extension-template');
const SOURCE_DIRS = ['lib', 'functions', 'local'];
const run = promisify(execFile);
let copy: string;
let driverOutput: Record<string, unknown>;
let typecheck: { ok: boolean; output: string };

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Adds the import after the last import and the entry at the end of the registry's list. */
function register(file: string, importLine: string, listPattern: RegExp, entry: string): void {
  const text = readFileSync(file, 'utf8');
  const lastImport = text.lastIndexOf('\nimport ');
  const afterImport = text.indexOf('\n', text.indexOf(';', lastImport)) + 1;
  const withImport = `${text.slice(0, afterImport)}${importLine}\n${text.slice(afterImport)}`;
  const patched = withImport.replace(listPattern, (list) => list.replace(/(,?)(\s*)\]/, `, ${entry}$2]`));
  if (patched === withImport) throw new Error(`no registry list in ${file}`);
  writeFileSync(file, patched);
}

beforeAll(async () => {
  copy = mkdtempSync(join(tmpdir(), 'crm-conversions-extension-'));
  for (const dir of SOURCE_DIRS) cpSync(join(ROOT, dir), join(copy, dir), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
  cpSync(join(TEMPLATES, 'destination'), join(copy, 'lib', 'destinations', 'template'), { recursive: true });
  cpSync(join(TEMPLATES, 'crm'), join(copy, 'lib', 'crm', 'template'), { recursive: true });
  register(
    join(copy, 'lib', 'destinations', 'registry.ts'),
    "import { templateDestination } from './template';",
    /export const DESTINATIONS = \[[^\]]*\]/,
    'templateDestination',
  );
  register(
    join(copy, 'lib', 'crm', 'registry.ts'),
    "import { templateCrmSource } from './template/source';",
    /const REGISTERED = \[[^\]]*\]/,
    'templateCrmSource',
  );
  cpSync(join(TEMPLATES, 'driver.ts'), join(copy, 'driver.ts'));
  const tsconfig = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8'));
  writeFileSync(
    join(copy, 'tsconfig.json'),
    JSON.stringify({ ...tsconfig, include: [...SOURCE_DIRS, 'driver.ts'], exclude: [] }),
  );
  try {
    await run(process.execPath, [
      join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
      '--noEmit',
      '-p',
      copy,
    ]);
    typecheck = { ok: true, output: '' };
  } catch (error) {
    typecheck = { ok: false, output: String((error as { stdout?: string }).stdout ?? error) };
  }
  const { stdout } = await run(
    process.execPath,
    [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'driver.ts'],
    {
      cwd: copy,
      env: { ...process.env, DYNAMODB_ENDPOINT: inject('dynamodbEndpoint') },
    },
  );
  driverOutput = JSON.parse(stdout.trim().split('\n').at(-1) as string);
}, 120_000);

afterAll(() => rmSync(copy, { recursive: true, force: true }));

describe('adding a destination and a CRM', () => {
  it('touches only their own folders and their registry lines', () => {
    const changed: string[] = [];
    for (const dir of SOURCE_DIRS) {
      for (const file of filesUnder(join(copy, dir))) {
        const path = relative(copy, file);
        let original: string | undefined;
        try {
          original = readFileSync(join(ROOT, path), 'utf8');
        } catch {
          original = undefined;
        }
        if (original !== readFileSync(file, 'utf8'))
          changed.push(original === undefined ? `+ ${path}` : `~ ${path}`);
      }
    }
    const outsideTemplates = changed.filter(
      (entry) => !/^\+ lib\/(destinations|crm)\/template\//.test(entry),
    );
    expect(outsideTemplates.sort()).toEqual(['~ lib/crm/registry.ts', '~ lib/destinations/registry.ts']);
    for (const registry of ['lib/crm/registry.ts', 'lib/destinations/registry.ts']) {
      const before = readFileSync(join(ROOT, registry), 'utf8').split('\n');
      const after = readFileSync(join(copy, registry), 'utf8').split('\n');
      // One import line more, and the list's line(s) carrying one entry more.
      expect(after.length - before.length, registry).toBeLessThanOrEqual(2);
      expect(after.filter((line) => !before.includes(line)).length, registry).toBeLessThanOrEqual(2);
    }
  });

  it('type-checks with nothing else changed', () => {
    expect(typecheck.output).toBe('');
    expect(typecheck.ok).toBe(true);
  });

  it("composes the template's settings with everyone else's: every bad variable named at once, absent credentials disable it", () => {
    const error = driverOutput.configError as { message: string; variables: string[] };
    expect(error.variables).toEqual(expect.arrayContaining(['TEMPLATE_BASE_URL', 'LEAD_WAIT_HOURS']));
    expect(error.message).toContain('TEMPLATE_BASE_URL must be an http(s) URL');
    expect(driverOutput.withoutKey).toEqual({ name: 'template', missing: ['TEMPLATE_API_KEY'] });
  });

  it("serves the template CRM's route, and builds the template destination from its settings", () => {
    expect(driverOutput.routes).toContain('POST /webhooks/template → template-webhook');
    expect(driverOutput.functions).toContain('template-webhook');
    // Its function is functions/crm-webhook.ts, through the local server as in Lambda: no file of its own.
    expect(driverOutput.viaRoute).toEqual({ status: 200, body: { received: 1, recorded: 1 }, refused: 401 });
    expect(driverOutput.routeClose).toEqual({ crm: 'template', value: 800, outcome: 'won' });
    expect(driverOutput.destinations).toContain('template');
  });

  it("takes a close through the template CRM's webhook to the template destination, through the real pipeline", () => {
    expect(driverOutput.refused).toBe(true);
    // A deal without a lead ID is keyed by its CRM deal, and is sent at once (it waits for no lead).
    expect(driverOutput.keys).toEqual(['template-deal:d-1']);
    expect(driverOutput.requests).toEqual([
      {
        path: '/v1/conversions',
        authorization: 'Bearer template-key',
        body: {
          events: [
            {
              id: 'template-deal:d-1',
              outcome: 'won',
              value: 1200,
              currency: 'EUR',
              at: Date.parse('2026-11-23T15:59:00Z'),
            },
          ],
        },
      },
    ]);
    expect(driverOutput.delivery).toEqual({ status: 'delivered', platformResponseId: 'tmpl-req-1' });
  });
});
