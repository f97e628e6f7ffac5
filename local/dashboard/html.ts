/**
 * The dashboard's HTML, rendered on the server (pure): every value escaped, one layout, a few helpers. No
 * script anywhere: every page reads with JavaScript off, and the replay button is a plain form.
 */
export type Html = { readonly html: string };

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

/** Already-safe markup. */
export const raw = (html: string): Html => ({ html });

type Part = Html | string | number | undefined | null | false | readonly Part[];

function render(part: Part): string {
  if (part === undefined || part === null || part === false) return '';
  if (Array.isArray(part)) return part.map(render).join('');
  if (typeof part === 'object' && 'html' in part) return part.html;
  return escapeHtml(String(part));
}

/** A template tag: interpolated values are escaped unless they are Html. */
export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    out += render(value) + (strings[index + 1] ?? '');
  });
  return { html: out };
}

export const iso = (ms: number | undefined): string =>
  ms === undefined || !Number.isFinite(ms)
    ? '—'
    : new Date(ms)
        .toISOString()
        .replace(/:\d{2}\.\d{3}Z$/, 'Z')
        .replace('T', ' ');

export function table(header: readonly string[], rows: readonly Part[][], attributes = ''): Html {
  return html`<table ${raw(attributes)}><thead><tr>${header.map((cell) => html`<th>${cell}</th>`)}</tr></thead><tbody>${
    rows.length === 0
      ? html`<tr><td colspan="${header.length}" class="empty">none</td></tr>`
      : rows.map((row) => html`<tr>${row.map((cell) => html`<td>${cell}</td>`)}</tr>`)
  }</tbody></table>`;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2733;background:#f6f7f9}
header{background:#1d2733;color:#fff;padding:10px 24px;display:flex;gap:24px;align-items:baseline}
header a{color:#cfe0f5;text-decoration:none}header a.here{color:#fff;font-weight:600}
header .brand{font-weight:700;color:#fff}header .source{margin-left:auto;color:#9fb2c8;font-size:12px}
main{padding:16px 24px;max-width:1200px}h1{font-size:20px;margin:8px 0 12px}h2{font-size:16px;margin:20px 0 8px}
section.card{background:#fff;border:1px solid #dde2e8;border-radius:6px;padding:12px 16px;margin-bottom:16px}
table{border-collapse:collapse;width:100%;background:#fff}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #e8ebef;vertical-align:top}
th{font-weight:600;color:#4a5a6b;font-size:12px}td.empty{color:#8a97a5}td code,code{font-size:12px}
.numbers{display:flex;gap:16px;flex-wrap:wrap}.number{background:#fff;border:1px solid #dde2e8;border-radius:6px;padding:8px 14px;min-width:110px}
.number b{display:block;font-size:22px}.number span{color:#5b6b7c;font-size:12px}
form.filters{display:flex;gap:10px;flex-wrap:wrap;align-items:end}form.filters label{display:flex;flex-direction:column;font-size:12px;color:#4a5a6b}
.legend span{display:inline-block;margin-right:14px;font-size:12px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}
.status-processed,.status-delivered{color:#1b7f3b}.status-failed{color:#b42318}.status-skipped{color:#8a6d00}.status-waiting,.status-accepted{color:#1d5fa8}
.note{color:#5b6b7c;font-size:12px}.error{background:#fdecea;border:1px solid #f5c2bd;padding:8px 12px;border-radius:6px}
.ok{background:#e8f5ec;border:1px solid #b7dfc3;padding:8px 12px;border-radius:6px}
ol.timeline{list-style:none;padding:0;margin:0}ol.timeline li{border-left:3px solid #c5d3e2;padding:4px 12px 8px;margin-left:6px}
ol.timeline li b{display:inline-block;min-width:120px}ol.timeline time{color:#5b6b7c;font-size:12px;margin-right:8px}
`;

export type Page = 'overview' | 'subjects' | 'crm';

export function layout(options: {
  title: string;
  page: Page | undefined;
  source: string;
  body: Html;
}): string {
  const link = (page: Page, href: string, label: string) =>
    html`<a href="${href}"${raw(options.page === page ? ' class="here" aria-current="page"' : '')}>${label}</a>`;
  return `<!doctype html>${
    html`<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${options.title} · crm-conversions</title><style>${raw(STYLE)}</style></head><body><header><span class="brand">crm-conversions</span>${link('overview', '/', 'Overview')}${link('subjects', '/subjects', 'Subjects')}${link('crm', '/crm', 'CRM polling')}<span class="source">${options.source}</span></header><main>${options.body}</main></body></html>`
      .html
  }`;
}
