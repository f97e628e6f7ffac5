import * as v from 'valibot';
import { toFieldIssues } from '../../validation';
import type { SalesforceRecord } from './client';
import { type OpportunityReport, OpportunitySchema } from './opportunity';
import { processSalesforceWebhook, type SalesforceIntakeDeps } from './process-webhook';

/**
 * Opportunities the backfill found by SOQL → the webhook's own intake (deal pointers, mapping, recording),
 * so a close whose Outbound Message never came is recorded exactly as the message would have recorded it,
 * and one already recorded is left unchanged. Records are validated one by one: a record the API returned
 * in an unexpected shape is skipped and logged by field name, never failing the whole page.
 */
export type PolledOpportunitiesResult = Awaited<ReturnType<typeof processSalesforceWebhook>> & {
  invalid: number;
};

export async function recordPolledOpportunities(
  records: readonly SalesforceRecord[],
  deps: SalesforceIntakeDeps,
): Promise<PolledOpportunitiesResult> {
  const reports: OpportunityReport[] = [];
  const invalidFields = new Set<string>();
  let invalid = 0;
  for (const record of records) {
    const parsed = v.safeParse(OpportunitySchema, record, { abortEarly: false });
    if (parsed.success) reports.push({ opportunity: parsed.output });
    else {
      invalid++;
      for (const issue of toFieldIssues(parsed.issues)) invalidFields.add(issue.field);
    }
  }
  if (invalid > 0) {
    deps.logger.warn('opportunities returned by SOQL in an unexpected shape were skipped', {
      opportunities: invalid,
      fields: [...invalidFields].slice(0, 10),
    });
  }
  const summary = await processSalesforceWebhook(
    { organizationId: undefined, reports, otherObjects: 0 },
    deps,
  );
  return { ...summary, invalid };
}
