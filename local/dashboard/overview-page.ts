import { dailyBars, stackedBar } from './charts';
import { type Html, html, iso, table } from './html';
import type { Overview } from './overview';

/** The overview page: the funnel by day, then what reached each platform and what became of it. */
const COLORS = {
  leads: '#7aa6d8',
  stages: '#4bb3b0',
  won: '#2f9e58',
  lost: '#d0803c',
  orders: '#8c6bc8',
  processed: '#2f9e58',
  accepted: '#7aa6d8',
  partialSuccess: '#b5c94f',
  rejected: '#c4453a',
  notSent: '#d8b54a',
  waiting: '#9aa8b6',
};

const link = (label: string | number, query: Record<string, string>) =>
  html`<a href="/subjects?${new URLSearchParams(query).toString()}">${label}</a>`;

function reasonList(destination: string, status: string, counts: Record<string, number>): Html {
  const entries = Object.entries(counts).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return html`0`;
  return html`${entries.map(
    ([reason, count], index) =>
      html`${index > 0 ? ', ' : ''}${link(`${reason} ${count}`, { destination, status, reason })}`,
  )}`;
}

const sum = (counts: Record<string, number>) =>
  Object.values(counts).reduce((total, value) => total + value, 0);

export function overviewPage(overview: Overview): Html {
  const { period, byDay } = overview;
  const numbers = [
    ['leads-captured', period.leads, 'leads captured'],
    ['stages-reached', period.stages, 'stages reached'],
    ['closes-won', period.won, 'closes won'],
    ['closes-lost', period.lost, 'closes lost'],
    ['orders', period.orders, 'orders'],
  ] as const;
  const days = overview.days;
  const destinations = overview.destinations.map(({ destination, total, outcomes }) => {
    const rejected = sum(outcomes.failedAtPlatform);
    const notSent = sum(outcomes.notSent);
    const parts = [
      { name: 'processed', color: COLORS.processed, value: outcomes.processed },
      { name: 'accepted', color: COLORS.accepted, value: outcomes.accepted },
      { name: 'partial_success', color: COLORS.partialSuccess, value: outcomes.partialSuccess },
      { name: 'rejected', color: COLORS.rejected, value: rejected },
      { name: 'not sent', color: COLORS.notSent, value: notSent },
      { name: 'waiting', color: COLORS.waiting, value: outcomes.inProgress },
    ];
    return {
      bar: html`<h3>${destination} <span class="note">${total} deliveries</span></h3>${stackedBar(parts, `outcomes-${destination}`)}`,
      row: [
        destination,
        html`<span data-count="accepted">${link(outcomes.accepted, { destination, status: 'accepted' })}</span>`,
        html`<span data-count="processed">${outcomes.processed}</span>`,
        html`<span data-count="partial_success">${link(outcomes.partialSuccess, { destination, status: 'partial_success' })}</span>`,
        html`<span data-count="rejected">${rejected}</span>: ${reasonList(destination, 'failed', outcomes.failedAtPlatform)}`,
        html`<span data-count="not_sent">${notSent}</span>: ${reasonList(destination, '', outcomes.notSent)}`,
        html`<span data-count="waiting">${link(outcomes.inProgress, { destination, status: 'waiting' })}</span>`,
      ],
      destination,
    };
  });
  const subjectLink = (key: string) => html`<a href="/subjects/${encodeURIComponent(key)}">${key}</a>`;
  return html`<h1>Overview</h1>
<section class="card"><h2>Last ${days.length} days <span class="note">${days[0]} – ${days[days.length - 1]} (UTC)</span></h2>
<div class="numbers">${numbers.map(([id, value, label]) => html`<div class="number" id="${id}"><b>${value}</b><span>${label}</span></div>`)}</div>
${dailyBars(
  days,
  [
    { name: 'leads captured', color: COLORS.leads, values: byDay.leads },
    ...(period.stages > 0 ? [{ name: 'stages reached', color: COLORS.stages, values: byDay.stages }] : []),
    { name: 'closes won', color: COLORS.won, values: byDay.won },
    { name: 'closes lost', color: COLORS.lost, values: byDay.lost },
    ...(period.orders > 0 ? [{ name: 'orders', color: COLORS.orders, values: byDay.orders }] : []),
  ],
  { id: 'by-day' },
)}
<details><summary>by day, as a table</summary>${table(
    ['day', 'leads captured', 'closes won', 'closes lost', 'orders'],
    days.map((day, index) => [
      day,
      byDay.leads[index],
      byDay.won[index],
      byDay.lost[index],
      byDay.orders[index],
    ]),
    'id="by-day-table"',
  )}</details></section>
<section class="card"><h2>Per destination <span class="note">all ${overview.deliveries} deliveries in the table</span></h2>
${destinations.map((entry) => entry.bar)}
<p class="note">processed: counted by the platform · accepted: taken, its processing result not known yet · rejected: the platform refused or dropped it · not sent: the connector did not send it (why) · waiting: to be attempted</p>
${table(
  [
    'destination',
    'accepted',
    'processed',
    'partial_success',
    'rejected by the platform',
    'not sent',
    'waiting',
  ],
  destinations.map((entry) => entry.row),
  'id="destinations"',
)}</section>
<section class="card"><h2>Stuck: the oldest waiting</h2>${table(
    ['subject', 'destination', 'status', 'attempts', 'since', 'next attempt', 'last error'],
    overview.stuck.map((item) => [
      subjectLink(item.closeKey),
      item.destination,
      item.status,
      item.attempts,
      iso(item.createdAt),
      iso(item.nextAttemptAt),
      item.lastError ?? '',
    ]),
    'id="stuck"',
  )}</section>
<section class="card"><h2>Last failures</h2>${table(
    ['subject', 'destination', 'status', 'attempts', 'at', 'reason'],
    overview.failures.map((item) => [
      subjectLink(item.closeKey),
      item.destination,
      item.status,
      item.attempts,
      iso(item.updatedAt),
      [item.lastErrorCode, item.lastError].filter(Boolean).join(': '),
    ]),
    'id="failures"',
  )}</section>`;
}
