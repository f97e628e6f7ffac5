import { type Html, html, iso, table } from './html';
import type { Timeline } from './timeline';

/** One subject's story: its lead, its timeline, then per destination the payload as built and a replay. */
export function timelinePage(timeline: Timeline, options: { token: string; notice?: string }): Html {
  const { report } = timeline;
  const key = report.subjectKey;
  const replayForm = (destination: string | undefined, label: string) =>
    html`<form method="post" action="/replay" class="replay"><input type="hidden" name="token" value="${options.token}"><input type="hidden" name="subject" value="${key}">${
      destination ? html`<input type="hidden" name="destination" value="${destination}">` : ''
    }<button type="submit">${label}</button></form>`;
  const head = report.subject
    ? `${report.subject.outcome ?? 'order'}${report.subject.value !== undefined ? ` · ${report.subject.value} ${report.subject.currency ?? ''}` : ''} · version ${report.subject.version}${timeline.crm ? ` · ${timeline.crm}` : ''}`
    : report.destinations.length > 0
      ? 'its close is gone'
      : 'no close or order recorded';
  const lead = timeline.lead;
  return html`<h1>${key} <span class="note">${head}</span></h1>
${options.notice ? html`<p class="ok" id="notice">${options.notice}</p>` : ''}
${
  lead
    ? html`<section class="card" id="lead"><h2>Lead</h2><p>captured ${iso(lead.capturedAt)} (${lead.source}) · click IDs: ${lead.clickIds.join(', ') || 'none'} · marketing consent: ${
        lead.marketingConsent === undefined ? 'not given' : lead.marketingConsent ? 'yes' : 'no'
      }${lead.ip ? ` · IP ${lead.ip}` : ''}${lead.browser ? ` · ${lead.browser}` : ''}</p></section>`
    : ''
}
<section class="card"><h2>Timeline</h2><ol class="timeline" id="timeline">${timeline.events.map(
    (event) =>
      html`<li data-kind="${event.kind}"${event.destination ? html` data-destination="${event.destination}"` : ''}><time>${iso(event.at)}</time><b>${event.href ? html`<a href="${event.href}">${event.title}</a>` : event.title}</b>${
        event.detail ? html` ${event.detail}` : ''
      }${event.responseId ? html` · <code>${event.responseId}</code>` : ''}</li>`,
  )}</ol></section>
${report.destinations.length > 0 ? replayForm(undefined, 'Replay every destination') : ''}
${report.destinations.map(
  (
    delivery,
  ) => html`<section class="card destination" id="destination-${delivery.destination}"><h2>${delivery.destination}: <span class="status">${delivery.status}</span> <span class="note">after ${delivery.attempts} attempt(s)${
    delivery.platformResponseId ? ` · request ${delivery.platformResponseId}` : ''
  }</span></h2>
${delivery.lastError ? html`<p class="error">${delivery.lastError}</p>` : ''}
${
  delivery.processing
    ? html`<p>processing result: <b>${delivery.processing.status}</b> for request <code>${delivery.processing.requestId}</code> (${delivery.processing.events} event(s), checked ${iso(delivery.processing.checkedAt)})${
        delivery.processing.summary ? ` — ${delivery.processing.summary}` : ''
      }</p>`
    : ''
}
${
  delivery.payload
    ? html`<details open><summary>payload as built → ${delivery.payloadUrl ?? ''}</summary>${table(
        ['field', 'value'],
        delivery.payload.map(([path, value]) => [html`<code>${path}</code>`, value]),
        'class="payload"',
      )}</details>`
    : html`<p class="note">no payload recorded</p>`
}
${replayForm(delivery.destination, `Replay to ${delivery.destination}`)}</section>`,
)}`;
}
