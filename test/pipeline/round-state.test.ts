import { describe, expect, it } from 'vitest';
import type { LeadRecord } from '../../lib/domain';
import { readRoundState, roundStateRequest, unreadPart } from '../../lib/pipeline/round-state';
import { emptyState, type StateRequest } from '../../lib/store/state';

const destinations = [{ name: 'google-ads' }, { name: 'meta' }];

describe('roundStateRequest', () => {
  it('names each subject, its delivery per destination and the lead its key may name', () => {
    expect(roundStateRequest(destinations, ['lead_a', 'lead_a', 'hubspot-deal:9'])).toEqual({
      subjects: ['lead_a', 'hubspot-deal:9'],
      deliveries: [
        { subjectKey: 'lead_a', destination: 'google-ads' },
        { subjectKey: 'lead_a', destination: 'meta' },
        { subjectKey: 'hubspot-deal:9', destination: 'google-ads' },
        { subjectKey: 'hubspot-deal:9', destination: 'meta' },
      ],
      // A close without a lead ID is keyed by its deal, which names no lead: a read that finds nothing.
      leads: ['lead_a', 'hubspot-deal:9'],
    });
  });
});

describe('unreadPart', () => {
  it('leaves out what the earlier read asked for, found or not', () => {
    const prior = roundStateRequest(destinations, ['lead_a']);
    const needed = roundStateRequest(destinations, ['lead_a', 'lead_b']);

    expect(unreadPart(needed, prior)).toEqual(roundStateRequest(destinations, ['lead_b']));
    expect(unreadPart(needed, undefined)).toBe(needed);
  });
});

describe('readRoundState', () => {
  it('reads nothing when the caller read it all, and only the rest otherwise', async () => {
    const requests: StateRequest[] = [];
    const lead = { leadId: 'lead_b' } as LeadRecord;
    const store = {
      getState: async (request: StateRequest) => {
        requests.push(request);
        return { ...emptyState(), leads: new Map([['lead_b', lead]]) };
      },
    };
    const prior = { request: roundStateRequest(destinations, ['lead_a']), state: emptyState() };

    const covered = await readRoundState(store, roundStateRequest(destinations, ['lead_a']), prior);
    const partly = await readRoundState(store, roundStateRequest(destinations, ['lead_a', 'lead_b']), prior);

    expect(covered.leads.size).toBe(0);
    expect(requests).toEqual([roundStateRequest(destinations, ['lead_b'])]);
    expect(partly.leads).toEqual(new Map([['lead_b', lead]]));
  });
});
