import { beforeAll, describe, expect, it } from 'vitest';
import { type StageRecord, stageSubjectKey } from '../../lib/domain';
import { createDeliveryStore, type DeliveryStore } from '../../lib/store/deliveries';
import { keys } from '../../lib/store/keys';
import { createSubjectStore, type SubjectStore, subjectPk } from '../../lib/store/subjects';
import { createTableAccess } from '../../lib/store/table-access';
import { createTestTable } from '../support/dynamo';

const stage = (leadKey: string, name: string, overrides: Partial<StageRecord> = {}): StageRecord => ({
  kind: 'stage',
  subjectKey: stageSubjectKey(name, leadKey),
  leadKey,
  leadId: leadKey,
  stage: name,
  crm: 'hubspot',
  origin: 'deal',
  recordId: '801',
  crmValue: 'qualifiedtobuy',
  implied: false,
  reachedAt: 1000,
  targets: { meta: { eventName: 'LeadQualified' } },
  version: 1,
  recordedAt: 1200,
  updatedAt: 1200,
  planned: false,
  ...overrides,
});

describe('stage subjects in the store', () => {
  let store: SubjectStore;
  let due: DeliveryStore;
  beforeAll(async () => {
    const table = createTableAccess(await createTestTable());
    store = createSubjectStore(table);
    due = createDeliveryStore(table);
  });

  it('keys a stage by its lead key and name, apart from the close of the same lead', () => {
    expect(subjectPk(stageSubjectKey('qualified', 'lead_1'))).toBe(keys.stage('lead_1', 'qualified'));
    expect(keys.stage('lead_1', 'qualified')).toBe('STAGE#lead_1#qualified');
    expect(subjectPk('lead_1')).toBe('CLOSE#lead_1');
  });

  it('writes a stage once: a second write of the same stage changes nothing', async () => {
    expect(await store.putStage(stage('lead_once', 'qualified'))).toBe(true);
    expect(await store.putStage(stage('lead_once', 'qualified', { reachedAt: 5000 }))).toBe(false);

    const read = await store.getSubjects([stageSubjectKey('qualified', 'lead_once')]);
    expect(read.get(stageSubjectKey('qualified', 'lead_once'))).toMatchObject({
      kind: 'stage',
      reachedAt: 1000,
    });
  });

  it('puts an unplanned stage in the due index (after its recorder’s claim) until it is planned', async () => {
    const key = stageSubjectKey('proposal', 'lead_due');
    await store.putStage(stage('lead_due', 'proposal', { claimedUntil: 1500 }));

    const inClaim = await due.queryDue({ now: 1400, limit: 50 });
    const after = await due.queryDue({ now: 1500, limit: 50 });
    expect(inClaim.items.some((item) => item.type === 'subject' && item.subject.subjectKey === key)).toBe(
      false,
    );
    expect(after.items).toContainEqual({
      type: 'subject',
      subject: expect.objectContaining({ subjectKey: key }),
    });
    expect(await store.markSubjectPlanned(key, 1)).toBe(true);
    const planned = await due.queryDue({ now: 1500, limit: 50 });
    expect(planned.items.some((item) => item.type === 'subject' && item.subject.subjectKey === key)).toBe(
      false,
    );
  });
});
