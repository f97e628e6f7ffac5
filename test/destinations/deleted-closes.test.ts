import { describe, expect, it } from 'vitest';
import { CRM_DISPLAY_NAMES } from '../../lib/crm/registry';
import type { DeliveredState } from '../../lib/destinations/types';
import { deletedCloseInput, restoredCloseInput } from '../../lib/domain';
import { conversionFor } from '../../lib/pipeline/conversion';
import { decideCloseWrite } from '../../lib/pipeline/record-close';
import { HOUR, T0 } from '../support/clock';
import { closeRecord, leadRecord } from '../support/conversion-inputs';
import { allDestinations, decideFor, sentRow } from '../support/destinations';

/**
 * A deal deleted in the CRM (or merged into a deal already counted), then restored, as each destination
 * decides it: nothing sent yet → cancelled (`skipped:deleted`); sent → retracted where the platform can
 * (the Google Ads API's RETRACTION adjustment), else `skipped:deleted_after_upload`; restored → sent when
 * nothing was, nothing new where the platform still holds it, and never re-uploaded once retracted.
 */
const lead = leadRecord('lead_del', {
  clickIds: { _ga: 'GA1.1.1111111111.1762092300', ttclid: 'E.C.P.del' },
});
const won = closeRecord('lead_del', { crm: 'hubspot', dealId: '901' });
const deleted = next(won, deletedCloseInput(won, won.sourceUpdatedAt + HOUR));
const restored = next(deleted, restoredCloseInput(deleted, deleted.sourceUpdatedAt + HOUR));
const delivered: DeliveredState = {
  version: 1,
  outcome: 'won',
  value: won.value,
  currency: won.currency,
  at: T0 - HOUR,
  conversionAt: won.closedAt,
};

function next(previous: typeof won, input: ReturnType<typeof deletedCloseInput>) {
  if (!input) throw new Error('no input');
  const written = decideCloseWrite(previous, input, T0).next;
  if (!written) throw new Error('no new version');
  return written;
}

const destinations = allDestinations();
const legacyGoogle = allDestinations({ GOOGLE_ADS_UPLOAD_API: 'ads' }).get('google-ads');
const NAMES = ['google-ads', 'meta', 'ga4', 'tiktok'] as const;

function decide(name: (typeof NAMES)[number] | 'google-ads-api', close: typeof won, past?: DeliveredState) {
  const destination = name === 'google-ads-api' ? legacyGoogle : destinations.get(name);
  if (!destination) throw new Error(`no ${name}`);
  return decideFor(destination, conversionFor(close, lead, past, T0, CRM_DISPLAY_NAMES));
}

describe('a deleted deal', () => {
  it('is the next version of its close, deleted at value 0, keeping its key, close time and what it was', () => {
    expect(deleted).toMatchObject({
      subjectKey: 'lead_del',
      outcome: 'deleted',
      value: 0,
      version: 2,
      closedAt: won.closedAt,
      previous: { outcome: 'won', value: won.value, currency: won.currency },
    });
    expect(deletedCloseInput(deleted, T0)).toBeUndefined();
  });

  it.each([...NAMES, 'google-ads-api' as const])('is cancelled at %s when nothing was sent yet', (name) => {
    expect(decide(name, deleted)).toMatchObject({ kind: 'skip', reason: 'deleted' });
  });

  it('is retracted through the Google Ads API when its conversion was sent', () => {
    const decision = decide('google-ads-api', deleted, delivered);
    expect(sentRow(decision)).toMatchObject({ adjustmentType: 'RETRACTION', orderId: 'lead_del' });
    expect(decision).toMatchObject({ accepted: { retracted: true, outcome: 'deleted', version: 2 } });
  });

  it.each(NAMES)('is marked deleted after upload at %s, which cannot retract a conversion', (name) => {
    expect(decide(name, deleted, delivered)).toMatchObject({
      kind: 'skip',
      reason: 'deleted_after_upload',
      message: expect.stringContaining('deleted in the CRM after its conversion was sent'),
    });
  });
});

describe('a restored deal', () => {
  it('is its close as it stood before the deletion, as the next version', () => {
    expect(restored).toMatchObject({ outcome: 'won', value: won.value, version: 3, closedAt: won.closedAt });
    expect(restoredCloseInput(won, T0)).toBeUndefined();
  });

  it.each([...NAMES, 'google-ads-api' as const])('is sent to %s when its deletion cancelled it', (name) => {
    expect(decide(name, restored).kind).toBe('send');
  });

  it.each(['meta', 'ga4', 'tiktok', 'google-ads-api'] as const)(
    'sends nothing new to %s, which still holds its conversion',
    (name) => {
      expect(decide(name, restored, delivered)).toMatchObject({ kind: 'skip', reason: 'unchanged' });
    },
  );

  it('is re-sent to Data Manager under the same transactionId, which overwrites', () => {
    expect(sentRow(decide('google-ads', restored, delivered))).toMatchObject({ transactionId: 'lead_del' });
  });

  it('is never re-uploaded to the Google Ads API once its conversion was retracted', () => {
    const retracted: DeliveredState = { ...delivered, version: 2, outcome: 'deleted', retracted: true };
    expect(decide('google-ads-api', restored, retracted)).toMatchObject({
      kind: 'skip',
      reason: 'previously_retracted',
    });
  });
});
