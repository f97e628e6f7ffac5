import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findImportCycles, readImportGraph } from '../support/import-graph';

const ROOT = join(__dirname, '..', '..');
/** What other code imports: the connector, its edges, its tools, the CRM setup CLI and the test support. */
const FOLDERS = ['lib', 'functions', 'local', 'bench', 'crm-setup', 'test/support'];

describe('findImportCycles', () => {
  it('names the cycle of two files that import each other, from the first file round', () => {
    const graph = new Map([
      ['b.ts', ['a.ts']],
      ['a.ts', ['b.ts', 'c.ts']],
      ['c.ts', []],
    ]);

    expect(findImportCycles(graph)).toEqual([['a.ts', 'b.ts', 'a.ts']]);
  });

  it('finds a longer cycle and a file that imports itself, and nothing in a diamond', () => {
    const graph = new Map([
      ['top.ts', ['left.ts', 'right.ts']],
      ['left.ts', ['bottom.ts']],
      ['right.ts', ['bottom.ts']],
      ['bottom.ts', []],
      ['x.ts', ['y.ts']],
      ['y.ts', ['z.ts']],
      ['z.ts', ['x.ts']],
      ['self.ts', ['self.ts']],
    ]);

    expect(findImportCycles(graph)).toEqual([
      ['self.ts', 'self.ts'],
      ['x.ts', 'y.ts', 'z.ts', 'x.ts'],
    ]);
  });

  it('reads type-only imports, re-exports and dynamic imports as edges', () => {
    const graph = readImportGraph(ROOT, ['test/architecture/fixtures']);

    expect(graph.get('test/architecture/fixtures/type-only-a.ts')).toEqual([
      'test/architecture/fixtures/type-only-b.ts',
    ]);
    expect(graph.get('test/architecture/fixtures/type-only-b.ts')).toEqual([
      'test/architecture/fixtures/type-only-a.ts',
      'test/architecture/fixtures/type-only-c.ts',
    ]);
    expect(findImportCycles(graph)).toEqual([
      [
        'test/architecture/fixtures/type-only-a.ts',
        'test/architecture/fixtures/type-only-b.ts',
        'test/architecture/fixtures/type-only-a.ts',
      ],
    ]);
  });
});

describe('the project', () => {
  it('has no import cycle', () => {
    const cycles = findImportCycles(readImportGraph(ROOT, FOLDERS)).map((cycle) => cycle.join(' → '));

    expect(cycles).toEqual([]);
  });
});
