import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProjectRenderError, renderProject } from '../../crm-setup/render-project';

let root: string;
let templateDir: string;
let outDir: string;

function template(files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(templateDir, path)), { recursive: true });
    writeFileSync(join(templateDir, path), text);
  }
}

function rendered(path: string): string {
  return readFileSync(join(outDir, path), 'utf8');
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'crm-setup-'));
  templateDir = join(root, 'template');
  outDir = join(root, 'out');
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('renderProject', () => {
  it('fills every placeholder and copies the tree', () => {
    template({
      'a.json': '{ "url": "{{BASE}}/hook" }',
      'nested/b.xml': '<x><url>{{BASE}}/{{TOKEN}}</url></x>',
      'nested/c.txt': 'no placeholders here',
    });

    const files = renderProject({
      templateDir,
      outDir,
      values: { BASE: 'https://api.example', TOKEN: 't0k' },
    });

    expect(files).toEqual(['a.json', 'nested/b.xml', 'nested/c.txt']);
    expect(JSON.parse(rendered('a.json'))).toEqual({ url: 'https://api.example/hook' });
    expect(rendered('nested/b.xml')).toBe('<x><url>https://api.example/t0k</url></x>');
    expect(rendered('nested/c.txt')).toBe('no placeholders here');
  });

  it('escapes a value for the file it lands in, so it cannot change the structure', () => {
    template({ 'a.json': '{ "v": "{{V}}" }', 'b.xml': '<x>{{V}}</x>' });

    renderProject({ templateDir, outDir, values: { V: 'a"b</x><y>&' } });

    expect(JSON.parse(rendered('a.json'))).toEqual({ v: 'a"b</x><y>&' });
    expect(rendered('b.xml')).toBe('<x>a&quot;b&lt;/x&gt;&lt;y&gt;&amp;</x>');
  });

  it('refuses a placeholder without a value, a value nothing uses, and placeholders outside XML or JSON', () => {
    template({ 'a.json': '{ "v": "{{V}}" }' });
    expect(() => renderProject({ templateDir, outDir, values: {} })).toThrow(
      /a\.json: no value for \{\{V\}\}/,
    );
    expect(() => renderProject({ templateDir, outDir, values: { V: '1', W: '2' } })).toThrow(
      /values no file uses: W/,
    );

    template({ 'c.txt': '{{V}}' });
    expect(() => renderProject({ templateDir, outDir, values: { V: '1' } })).toThrow(ProjectRenderError);
  });

  it('applies an edit that matches exactly once, and refuses one that does not', () => {
    template({ 'a.xml': '<f>A</f><f>B</f><f>B</f>' });

    renderProject({
      templateDir,
      outDir,
      values: {},
      edits: [{ file: 'a.xml', replace: '<f>A</f>', with: '<f>Z</f>', why: 'test' }],
    });
    expect(rendered('a.xml')).toBe('<f>Z</f><f>B</f><f>B</f>');

    for (const replace of ['<f>B</f>', '<f>C</f>']) {
      expect(() =>
        renderProject({
          templateDir,
          outDir,
          values: {},
          edits: [{ file: 'a.xml', replace, with: '', why: 'test' }],
        }),
      ).toThrow(/exactly once \(test\)/);
    }
  });

  it('leaves out omitted files, refuses to omit a file the template lacks, and empties the output first', () => {
    template({ 'keep.json': '{}', 'drop.json': '{}' });
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'stale.json'), '{}');

    const files = renderProject({ templateDir, outDir, values: {}, omit: ['drop.json'] });

    expect(files).toEqual(['keep.json']);
    expect(() => rendered('drop.json')).toThrow();
    expect(() => rendered('stale.json')).toThrow();
    expect(() => renderProject({ templateDir, outDir, values: {}, omit: ['missing.json'] })).toThrow(
      /missing\.json: not a file/,
    );
  });

  it('writes nothing when rendering fails', () => {
    template({ 'a.json': '{ "v": "{{V}}" }' });
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'previous.json'), '{}');

    expect(() => renderProject({ templateDir, outDir, values: {} })).toThrow(ProjectRenderError);

    expect(rendered('previous.json')).toBe('{}');
  });
});
