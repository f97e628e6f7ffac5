import { describe, expect, it } from 'vitest';
import type { HubspotClient, HubspotObject } from '../../../lib/crm/hubspot/client';
import { enrichReadDeals, mayBeClosed, readDeals } from '../../../lib/crm/hubspot/enrich-deals';

/** A client over fixed data that records which reads were made, in order, and which overlapped. */
function stubClient(data: { deals: HubspotObject[]; associations: Record<string, string[]> }) {
  const calls: string[] = [];
  let inFlight = 0;
  let overlapped = 0;
  const call = async <T>(name: string, answer: () => T): Promise<T> => {
    calls.push(name);
    inFlight++;
    if (inFlight > 1) overlapped++;
    await new Promise((resolve) => setImmediate(resolve));
    inFlight--;
    return answer();
  };
  const client: HubspotClient = {
    readDeals: (ids) =>
      call(
        `deals ${ids.join(',')}`,
        () => new Map(data.deals.filter((d) => ids.includes(d.id)).map((d) => [d.id, d])),
      ),
    readDealContactIds: (ids) =>
      call(
        `associations ${ids.join(',')}`,
        () =>
          new Map(ids.filter((id) => data.associations[id]).map((id) => [id, data.associations[id] ?? []])),
      ),
    readContacts: (ids) =>
      call(
        `contacts ${ids.join(',')}`,
        () => new Map(ids.map((id) => [id, { id, properties: { email: `${id}@x.org` } }])),
      ),
    getDealPipelines: () => call('pipelines', () => []),
    searchDealsModifiedBetween: async () => ({ deals: [], total: 0 }),
  };
  return { client, calls, overlapped: () => overlapped };
}

const wonDeal = (id: string): HubspotObject => ({
  id,
  properties: { dealstage: 'closedwon', pipeline: 'default', hs_is_closed_won: 'true', hs_is_closed: 'true' },
});

describe('mayBeClosed', () => {
  it('says so for a won or lost stage, or a stage only the pipelines can tell; not for an open one', () => {
    expect(mayBeClosed({ dealstage: 'closedwon' })).toBe(true);
    expect(mayBeClosed({ dealstage: 'closedlost' })).toBe(true);
    expect(mayBeClosed({ hs_is_closed_won: 'true' })).toBe(true);
    expect(mayBeClosed({ dealstage: '1234567' })).toBe(true);
    expect(mayBeClosed({ dealstage: 'appointmentscheduled' })).toBe(false);
    expect(mayBeClosed({ amount: '100' })).toBe(false);
  });
});

describe('readDeals with associations', () => {
  it('reads the contacts’ IDs beside the deals, then only the contacts: two round trips, not three', async () => {
    const stub = stubClient({ deals: [wonDeal('1')], associations: { '1': ['11', '12'] } });

    const reads = await readDeals(stub.client, ['1'], {
      leadIdProperty: 'lead_id',
      apiDeadline: Number.MAX_SAFE_INTEGER,
      withAssociations: true,
    });
    const enrichment = await enrichReadDeals(stub.client, reads.deals, {
      deadline: Number.MAX_SAFE_INTEGER,
      ...(reads.associated ? { associated: reads.associated } : {}),
    });

    expect(stub.calls).toEqual(['deals 1', 'associations 1', 'contacts 11']);
    expect(stub.overlapped()).toBe(1);
    expect(enrichment.contacts).toEqual(new Map([['1', { email: '11@x.org' }]]));
  });

  it('reads associations after the deals for a closed deal the first read did not ask about', async () => {
    const stub = stubClient({
      deals: [wonDeal('1'), wonDeal('2')],
      associations: { '1': ['11'], '2': ['21'] },
    });

    const reads = await readDeals(stub.client, ['1', '2'], {
      leadIdProperty: 'lead_id',
      apiDeadline: Number.MAX_SAFE_INTEGER,
      withAssociations: false,
    });
    const enrichment = await enrichReadDeals(stub.client, reads.deals, {
      deadline: Number.MAX_SAFE_INTEGER,
      associated: { asked: new Set(['1']), contactIds: new Map([['1', ['11']]]) },
    });

    expect(stub.calls).toEqual(['deals 1,2', 'associations 2', 'contacts 11,21']);
    expect([...enrichment.contacts.keys()]).toEqual(['1', '2']);
  });
});
