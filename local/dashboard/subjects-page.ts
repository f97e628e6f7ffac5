import { DELIVERY_LISTINGS, deliveryListing } from '../../lib/domain';
import type { DeliveryListPage } from './delivery-list';
import { type Html, html, iso, raw, table } from './html';

/** The subjects list: the filter form (a plain GET form), one row per delivery, the next page, the CSV. */
export type ListQuery = Partial<Record<'destination' | 'status' | 'reason' | 'crm' | 'from' | 'to', string>>;

function select(name: string, label: string, options: readonly string[], chosen: string | undefined): Html {
  return html`<label>${label}<select name="${name}"><option value="">any</option>${options.map(
    (option) => html`<option${raw(option === chosen ? ' selected' : '')}>${option}</option>`,
  )}</select></label>`;
}

export function subjectsPage(options: {
  query: ListQuery;
  page: DeliveryListPage;
  destinations: readonly string[];
  crms: readonly string[];
}): Html {
  const { query, page } = options;
  const filters = new URLSearchParams(
    Object.entries(query).filter((entry): entry is [string, string] => Boolean(entry[1])),
  );
  const next = new URLSearchParams(filters);
  if (page.next) next.set('cursor', page.next);
  const rows = page.rows.map(({ delivery, subject }) => {
    const at = delivery.status.indexOf(':');
    const listing = deliveryListing(delivery.status);
    return [
      html`<a href="/subjects/${encodeURIComponent(delivery.subjectKey)}">${delivery.subjectKey}</a>`,
      delivery.destination,
      html`<span class="status-${listing}">${at < 0 ? delivery.status : delivery.status.slice(0, at)}</span>`,
      at < 0 ? (delivery.lastErrorCode ?? '') : delivery.status.slice(at + 1),
      subject ? ('crm' in subject ? subject.crm : 'order') : '—',
      delivery.attempts,
      iso(delivery.updatedAt),
      listing === 'waiting' ? iso(delivery.nextAttemptAt) : '',
    ];
  });
  return html`<h1>Subjects</h1>
<section class="card"><form class="filters" method="get" action="/subjects">
${select('destination', 'destination', options.destinations, query.destination)}
${select('status', 'status', DELIVERY_LISTINGS, query.status)}
<label>reason<input name="reason" value="${query.reason ?? ''}" size="18" placeholder="consent, invalid_gclid…"></label>
${select('crm', 'CRM', options.crms, query.crm)}
<label>from<input type="date" name="from" value="${query.from ?? ''}"></label>
<label>to<input type="date" name="to" value="${query.to ?? ''}"></label>
<button type="submit">Filter</button> <a href="/subjects">clear</a>
<a href="/subjects.csv?${filters.toString()}" id="csv">CSV of this filter</a>
</form><p class="note">Dates (UTC) are each delivery's last change — a waiting one's next attempt, an accepted one's processing check while it waits for it — the order the list is in.</p></section>
<section class="card">${table(
    ['subject', 'destination', 'status', 'reason', 'CRM', 'attempts', 'last change', 'next attempt'],
    rows,
    'id="subjects"',
  )}
<p class="note">${page.rows.length} shown, ${page.read} deliveries read from the index${
    page.next ? html` · <a href="/subjects?${next.toString()}" id="next">next page →</a>` : ' · the end'
  }</p></section>`;
}
