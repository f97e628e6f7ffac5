import type { DeferredDealRecord } from '../../lib/domain';
import type { CheckpointStatus } from '../status-report';
import { type Html, html, iso, table } from './html';

/** How far each CRM has been polled, and the deals a webhook deferred to the backfill (CRM API down). */
export function crmPage(
  checkpoints: readonly CheckpointStatus[],
  deferred: readonly DeferredDealRecord[],
): Html {
  return html`<h1>CRM polling</h1>
<section class="card"><h2>Checkpoints</h2><p class="note">The backfill polls each CRM for changes its webhooks may have missed; the checkpoint is how far its changes are known to be recorded.</p>${table(
    ['CRM', 'changes recorded up to', 'checkpoint written'],
    checkpoints.map((checkpoint) => [
      checkpoint.crm,
      checkpoint.until === undefined ? 'never polled' : iso(checkpoint.until),
      iso(checkpoint.updatedAt),
    ]),
    'id="checkpoints"',
  )}</section>
<section class="card"><h2>Deferred deals <span class="note">${deferred.length}</span></h2><p class="note">Webhooks accepted while the CRM's API could not be read; the next backfill reads and records them.</p>${table(
    ['CRM', 'deal', 'reason', 'events', 'deferred at', 'next try'],
    [...deferred]
      .sort((a, b) => a.deferredAt - b.deferredAt)
      .map((deal) => [
        deal.crm,
        deal.dealId,
        deal.reason,
        deal.events,
        iso(deal.deferredAt),
        iso(deal.retryAt),
      ]),
    'id="deferred"',
  )}</section>`;
}
