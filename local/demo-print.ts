import { CRM_DISPLAY_NAMES } from '../lib/crm/registry';
import type { RequestDescription } from '../lib/destinations/types';
import type { CloseRecord, DeliveryRecord } from '../lib/domain';

/**
 * How `npm run demo` shows a close and what each destination would receive (pure): the recorded dry-run
 * request of each delivery, one event's fields per line, hashed identifiers shortened to
 * `sha256:<12 hex>…`, IP addresses masked and user agents cut (they are sent as they are, as the platforms
 * require, but a terminal is no place for them), and the reason for anything not sent.
 */

const HEX_SHA256 = /^[0-9a-f]{64}$/;
const IPV4 = /^(\d{1,3}\.\d{1,3}\.\d{1,3})\.\d{1,3}$/;
const IPV6 = /^[0-9a-f]{0,4}(:[0-9a-f]{0,4}){2,7}$/i;

export function isIpAddress(value: string): boolean {
  return IPV4.test(value) || IPV6.test(value);
}

/** An IP address with its host part hidden: `203.0.113.x`, `2001:db8:…` (a /32 of IPv6). */
export function maskIp(value: string): string {
  const v4 = IPV4.exec(value);
  if (v4) return `${v4[1]}.x`;
  return `${value.split(':').slice(0, 2).join(':')}:…`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function displayValue(path: string, value: unknown): string {
  // Unix seconds (Meta event_time) read better with their date.
  if (typeof value === 'number' && /_time$/.test(path) && value > 1e9 && value < 1e10) {
    return `${value} (${new Date(value * 1000).toISOString().replace('.000Z', 'Z')})`;
  }
  if (typeof value !== 'string') return String(value);
  if (HEX_SHA256.test(value)) return `sha256:${value.slice(0, 12)}…`;
  if (/ip/i.test(path) && isIpAddress(value)) return `${maskIp(value)} (sent unhashed)`;
  if (/user_?agent/i.test(path)) return `${value.split(' ')[0]} … (sent unhashed)`;
  return value.length > 72 ? `${value.slice(0, 71)}…` : value;
}

/** Every leaf of a JSON value as `[path, shown value]`; arrays of plain values on one line. */
export function flattenForDisplay(value: unknown, path = ''): [string, string][] {
  if (Array.isArray(value)) {
    if (value.every((item) => !isRecord(item) && !Array.isArray(item))) {
      return value.length === 0 ? [] : [[path, value.map((item) => displayValue(path, item)).join(', ')]];
    }
    return value.flatMap((item, index) => flattenForDisplay(item, `${path}[${index}]`));
  }
  if (isRecord(value)) {
    return Object.entries(value).flatMap(([key, item]) =>
      flattenForDisplay(item, path ? `${path}.${key}` : key),
    );
  }
  return [[path, displayValue(path, value)]];
}

/**
 * The rows of the one event a single-delivery request carries (Data Manager `events[0]`, Meta `data[0]`,
 * Ads API `conversions[0]`, else the whole body), with Data Manager's conversion action first.
 */
export function requestRows(request: RequestDescription): [string, string][] {
  const body = isRecord(request.body) ? request.body : {};
  for (const list of ['events', 'data', 'conversions', 'conversionAdjustments']) {
    const items = body[list];
    if (!Array.isArray(items) || items.length === 0) continue;
    const rows = flattenForDisplay(items[0]);
    if (list === 'events' && Array.isArray(body.destinations)) {
      const actions = body.destinations
        .filter(isRecord)
        .map((destination) => `${destination.productDestinationId} (${destination.reference ?? 'default'})`);
      rows.unshift(['conversion action', actions.join(', ')]);
    }
    return rows;
  }
  return flattenForDisplay(body);
}

function isRequest(payload: unknown): payload is RequestDescription {
  return isRecord(payload) && typeof payload.url === 'string' && 'body' in payload;
}

function money(value: number, currency: string): string {
  return `${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${currency}`;
}

const minute = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace(/:\d{2}\.\d{3}Z$/, ' UTC')
    .replace('T', ' ');

export function closeHeadline(close: CloseRecord): string {
  const deal = close.dealId
    ? `${CRM_DISPLAY_NAMES[close.crm] ?? close.crm} ${close.crm === 'salesforce' ? 'opportunity' : 'deal'} ${close.dealId}`
    : (CRM_DISPLAY_NAMES[close.crm] ?? close.crm);
  const outcome = close.outcome === 'won' ? `won ${money(close.value, close.currency)}` : close.outcome;
  const reason = close.closureReason ? ` (${close.closureReason})` : '';
  return `${close.subjectKey} · ${deal} · ${outcome}${reason} · closed ${minute(close.closedAt)}`;
}

/** What happened to one delivery, in words, and the request it would make when it would send one. */
export function deliveryLines(delivery: DeliveryRecord, indent: string): string[] {
  const head = `${indent}${delivery.destination.padEnd(11)} `;
  const [state, reason] = delivery.status.split(/:(.*)/s, 2) as [string, string | undefined];
  if (delivery.status === 'skipped:dry_run' && isRequest(delivery.payload)) {
    const rows = requestRows(delivery.payload);
    const width = Math.max(...rows.map(([path]) => path.length));
    return [
      `${head}would send → ${delivery.payload.method} ${delivery.payload.url}`,
      ...rows.map(([path, value]) => `${indent}${' '.repeat(12)}${path.padEnd(width)}  ${value}`),
    ];
  }
  if (state === 'skipped')
    return [`${head}not sent: ${reason}${delivery.lastError ? ` — ${delivery.lastError}` : ''}`];
  if (state === 'failed')
    return [`${head}failed: ${reason}${delivery.lastError ? ` — ${delivery.lastError}` : ''}`];
  if (state === 'waiting_for_lead') {
    return [
      `${head}waiting for its lead: looked at again hourly, sent at once when the lead arrives, or with the CRM contact's identifiers after LEAD_WAIT_HOURS`,
    ];
  }
  return [
    `${head}${delivery.status}${delivery.platformResponseId ? ` (${delivery.platformResponseId})` : ''}`,
  ];
}

/** Rows padded into columns, for the demo's short tables. */
export function columns(rows: string[][], indent = ''): string {
  const widths = rows[0]?.map((_, index) => Math.max(...rows.map((row) => (row[index] ?? '').length))) ?? [];
  return rows
    .map((row) =>
      `${indent}${row.map((cell, index) => cell.padEnd(widths[index] ?? 0)).join('  ')}`.trimEnd(),
    )
    .join('\n');
}

/** Metric counts as published over the run, summed per metric and dimensions: `[metric, dimensions, count]`. */
export function metricRows(
  entries: readonly { name: string; dimensions: Record<string, string>; value: number }[],
): string[][] {
  const sums = new Map<string, { name: string; dimensions: string; value: number }>();
  for (const entry of entries) {
    const dimensions = Object.values(entry.dimensions).join(' ');
    const key = `${entry.name}|${dimensions}`;
    const sum = sums.get(key) ?? { name: entry.name, dimensions, value: 0 };
    sum.value += entry.value;
    sums.set(key, sum);
  }
  return [...sums.values()]
    .sort((a, b) => a.name.localeCompare(b.name) || a.dimensions.localeCompare(b.dimensions))
    .map((sum) => [sum.name, sum.dimensions, String(sum.value)]);
}
