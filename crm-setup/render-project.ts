import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, relative, sep } from 'node:path';
import { ConnectorError } from '../lib/errors';

/**
 * A CRM setup project is a template directory whose files hold `{{NAME}}` placeholders for what differs
 * between deployments (the public URL, the Salesforce path token, the integration user). Rendering copies it
 * into an output directory with every placeholder filled, so the committed files never hold a deployment's
 * secret and the same command reproduces the same project. A value is escaped for the file it lands in
 * (XML text, a JSON string), so it can never change a file's structure; a placeholder without a value, or
 * a value nothing uses, is an error rather than a half-filled project.
 */
export type PlaceholderValues = Readonly<Record<string, string>>;

/** A literal change to one rendered file (e.g. a field the org does not have); it must match exactly once. */
export type ProjectEdit = { file: string; replace: string; with: string; why: string };

export type RenderOptions = {
  templateDir: string;
  outDir: string;
  values: PlaceholderValues;
  /** Template files (paths relative to templateDir, with `/`) left out of the rendered project. */
  omit?: readonly string[];
  edits?: readonly ProjectEdit[];
};

const PLACEHOLDER = /\{\{([A-Z][A-Z0-9_]*)\}\}/g;

/** A template and the values given for it do not fit: nothing is written. */
export class ProjectRenderError extends ConnectorError {}

function escapeXml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

function escapeJson(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

function escaperFor(file: string): ((value: string) => string) | undefined {
  if (extname(file) === '.xml') return escapeXml;
  if (extname(file) === '.json') return escapeJson;
  return undefined;
}

/** Every template file, relative to the template directory with `/` separators, in a stable order. */
export function listTemplateFiles(templateDir: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.push(relative(templateDir, path).split(sep).join('/'));
    }
  };
  walk(templateDir);
  return files;
}

/** The placeholder names a text uses. */
export function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((match) => match[1] as string))];
}

export function fillPlaceholders(text: string, file: string, values: PlaceholderValues): string {
  const escapeValue = escaperFor(file);
  return text.replace(PLACEHOLDER, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new ProjectRenderError(`${file}: no value for {{${name}}}`);
    if (!escapeValue)
      throw new ProjectRenderError(`${file}: placeholders are only filled in .xml and .json files`);
    return escapeValue(value);
  });
}

function applyEdit(text: string, edit: ProjectEdit): string {
  const count = text.split(edit.replace).length - 1;
  if (count !== 1) {
    throw new ProjectRenderError(
      `${edit.file}: expected "${edit.replace}" exactly once (${edit.why}), found it ${count} times`,
    );
  }
  return text.replace(edit.replace, () => edit.with);
}

/**
 * Renders the project into `outDir` (emptied first, so a file left out this time does not linger from the
 * last run) and returns the rendered files, relative to `outDir`.
 */
export function renderProject(options: RenderOptions): string[] {
  const omit = new Set(options.omit ?? []);
  const files = listTemplateFiles(options.templateDir);
  for (const path of [...omit, ...(options.edits ?? []).map((edit) => edit.file)]) {
    if (!files.includes(path)) throw new ProjectRenderError(`${path}: not a file of ${options.templateDir}`);
  }
  const used = new Set<string>();
  const rendered = new Map<string, string>();
  for (const file of files.filter((path) => !omit.has(path))) {
    let text = readFileSync(join(options.templateDir, file), 'utf8');
    for (const edit of options.edits ?? []) if (edit.file === file) text = applyEdit(text, edit);
    for (const name of placeholdersIn(text)) used.add(name);
    rendered.set(file, fillPlaceholders(text, file, options.values));
  }
  const unused = Object.keys(options.values).filter((name) => !used.has(name));
  if (unused.length > 0) throw new ProjectRenderError(`values no file uses: ${unused.join(', ')}`);
  rmSync(options.outDir, { recursive: true, force: true });
  for (const [file, text] of rendered) {
    const target = join(options.outDir, file);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
  }
  return [...rendered.keys()];
}
