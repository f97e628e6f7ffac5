import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeHubspot, startFakeHubspot } from '../support/fakes/hubspot';

/**
 * The HubSpot fake must refuse what HubSpot's definitions refuse, loudly, or the tests on it prove nothing:
 * the numbered CRM paths the connector left behind, another date version, and bodies that break the
 * 2026-09 definitions.
 */
let fake: FakeHubspot;

beforeAll(async () => {
  fake = await startFakeHubspot();
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  fake.clear();
});

async function call(method: 'GET' | 'POST', path: string, body?: unknown) {
  const response = await fetch(`${fake.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${fake.token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const READ = {
  inputs: [{ id: '1' }],
  properties: ['dealstage', 'pipeline', 'amount', 'hs_is_closed_won', 'hs_is_closed'],
  propertiesWithHistory: [],
};

describe('HubSpot fake', () => {
  it('accepts a batch read that follows the 2026-09 definition, and answers its required fields', async () => {
    fake.deals.set('1', { dealstage: 'closedwon' });
    const answer = await call('POST', '/crm/objects/2026-09/deals/batch/read', READ);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      status: 'COMPLETE',
      startedAt: expect.any(String),
      completedAt: expect.any(String),
    });
    expect((answer.body.results as unknown[])[0]).toMatchObject({
      id: '1',
      archived: false,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(fake.violations).toEqual([]);
  });

  it.each([
    ['POST', '/crm/v3/objects/deals/batch/read'],
    ['POST', '/crm/v3/objects/contacts/batch/read'],
    ['POST', '/crm/v4/associations/deals/contacts/batch/read'],
    ['GET', '/crm/v3/pipelines/deals'],
    ['POST', '/crm/v3/objects/deals/search'],
    ['POST', '/crm/objects/2026-03/deals/batch/read'],
  ] as const)('refuses %s %s as a contract violation', async (method, path) => {
    const answer = await call(method, path, method === 'POST' ? READ : undefined);
    expect(answer.status).toBe(400);
    expect(fake.violations).toHaveLength(1);
    expect(fake.violations[0]).toMatch(/not a 2026-09 date-versioned path/);
  });

  it.each([
    [
      'without propertiesWithHistory',
      { inputs: READ.inputs, properties: READ.properties },
      /propertiesWithHistory/,
    ],
    ['with an idProperty', { ...READ, idProperty: 'lead_id' }, /idProperty/],
    [
      'with an input key other than id',
      { ...READ, inputs: [{ id: '1', after: '2' }] },
      /inputs take only id/,
    ],
    ['lacking a property the mapping needs', { ...READ, properties: ['dealstage'] }, /properties lack/],
  ])('refuses a deal batch read %s', async (_case, body, message) => {
    const answer = await call('POST', '/crm/objects/2026-09/deals/batch/read', body);
    expect(answer.status).toBe(400);
    expect(fake.violations.join('\n')).toMatch(message);
  });

  it('refuses an associations read with anything but { id, after }, and answers toObjectId as text', async () => {
    fake.associations.set('1', ['7']);
    const refused = await call('POST', '/crm/associations/2026-09/deals/contacts/batch/read', {
      inputs: [{ id: '1', properties: ['email'] }],
    });
    expect(refused.status).toBe(400);
    fake.clear();
    const answered = await call('POST', '/crm/associations/2026-09/deals/contacts/batch/read', {
      inputs: [{ id: '1' }],
    });
    expect(answered.body.results).toEqual([
      {
        from: { id: '1' },
        to: [
          {
            toObjectId: '7',
            associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 3, label: 'Primary' }],
          },
        ],
      },
    ]);
    expect(fake.violations).toEqual([]);
  });

  it('refuses a search whose sorts are not { propertyName, direction }', async () => {
    const answer = await call('POST', '/crm/objects/2026-09/deals/search', {
      filterGroups: [
        {
          filters: [
            { propertyName: 'hs_lastmodifieddate', operator: 'GTE', value: '0' },
            { propertyName: 'hs_lastmodifieddate', operator: 'LT', value: '1' },
          ],
        },
      ],
      sorts: ['hs_lastmodifieddate'],
      properties: ['dealstage'],
      limit: 10,
    });
    expect(answer.status).toBe(400);
    expect(fake.violations.join('\n')).toMatch(/sorts must be/);
  });
});
