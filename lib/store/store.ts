import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDeliveryStore, type DeliveryStore } from './deliveries';
import { createIntakeStore, type IntakeStore } from './intake';
import { createLeadStore, type LeadStore } from './leads';
import { createProcessingCheckStore, type ProcessingCheckStore } from './processing-checks';
import { createReportStore, type ReportStore } from './report';
import { createStateStore, type StateStore } from './state';
import { createSubjectStore, type SubjectStore } from './subjects';
import { createTableAccess } from './table-access';

/**
 * The storage verbs of the connector, and nothing else: deciding what to write (merging a lead,
 * versioning a close, scheduling a retry) belongs to the callers. Every write that could race is
 * conditional, so repeating a step or running two at once never produces a second record. One surface
 * per aggregate, sharing one table; callers hold them as one object.
 */
export type Store = LeadStore &
  SubjectStore &
  DeliveryStore &
  IntakeStore &
  ProcessingCheckStore &
  StateStore &
  ReportStore;

export function createStore(options: { client: DynamoDBClient; tableName: string }): Store {
  const table = createTableAccess(options);
  // Spread into one plain object: createReadOnlyStore (lib/backfill) walks its own verbs by name.
  return {
    ...createLeadStore(table),
    ...createSubjectStore(table),
    ...createDeliveryStore(table),
    ...createIntakeStore(table),
    ...createProcessingCheckStore(table),
    ...createStateStore(table),
    ...createReportStore(table),
  };
}
