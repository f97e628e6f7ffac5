import { CLOSURE_REASONS } from '../events/lead-closed';
import { cleanCrmText } from './close-fields';

/**
 * CRM loss reasons → the seed's `closure_reason` vocabulary (reference/seeds/reshape-lead_closed.txt).
 * CRMs hold free text or picklists ("Lost to competitor", "Too expensive", "Went dark"); the connector
 * keeps the text as `closure_detail` and files it under one reason, first by the operator's
 * CLOSURE_REASON_MAP, then by the common phrasings below, then by keywords, else `other`.
 */
export type ClosureReason = (typeof CLOSURE_REASONS)[number];

/** Lower case, every run of non-alphanumerics as one `_`: "Lost to Competitor!" → `lost_to_competitor`. */
export function closureReasonKey(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/**
 * Common CRM phrasings, by key. The seed's own examples decide the ambiguous ones:
 * `project_postponed` is filed under `no_decision` and `budget_constraints` under `price`.
 */
export const DEFAULT_CLOSURE_REASON_MAP: Readonly<Record<string, ClosureReason>> = {
  lost_to_competitor: 'lost_to_competitor',
  competitor: 'lost_to_competitor',
  competition: 'lost_to_competitor',
  lost_to_competition: 'lost_to_competitor',
  went_with_competitor: 'lost_to_competitor',
  chose_competitor: 'lost_to_competitor',
  chose_another_vendor: 'lost_to_competitor',
  no_decision: 'no_decision',
  status_quo: 'no_decision',
  did_nothing: 'no_decision',
  project_postponed: 'no_decision',
  project_cancelled: 'no_decision',
  project_canceled: 'no_decision',
  price: 'price',
  pricing: 'price',
  too_expensive: 'price',
  price_too_high: 'price',
  budget_constraints: 'price',
  budget: 'budget',
  no_budget: 'budget',
  lack_of_budget: 'budget',
  timing: 'timing',
  bad_timing: 'timing',
  not_now: 'timing',
  wrong_timing: 'timing',
  product_fit: 'product_fit',
  poor_fit: 'product_fit',
  not_a_fit: 'product_fit',
  missing_feature: 'product_fit',
  missing_features: 'product_fit',
  feature_gap: 'product_fit',
  requirements_not_met: 'product_fit',
  unresponsive: 'unresponsive',
  non_responsive: 'unresponsive',
  no_response: 'unresponsive',
  went_dark: 'unresponsive',
  ghosted: 'unresponsive',
  disqualified: 'disqualified',
  not_qualified: 'disqualified',
  unqualified: 'disqualified',
  spam: 'disqualified',
  other: 'other',
};

// Checked in order: the first keyword found in the key wins.
const KEYWORDS: readonly [RegExp, ClosureReason][] = [
  [/competit|vendor/, 'lost_to_competitor'],
  [/budget/, 'budget'],
  [/pric|expensive|cost/, 'price'],
  [/timing|postpon|delay|later|next_(quarter|year)/, 'timing'],
  [/decision|status_quo/, 'no_decision'],
  [/respon|dark|ghost|no_contact|reach/, 'unresponsive'],
  [/qualif|spam|duplicate/, 'disqualified'],
  [/fit|feature|requirement|product|integration/, 'product_fit'],
];

export type NormalisedClosureReason = { closureReason?: string; closureDetail?: string };

/**
 * Files a CRM's raw reason under a closure reason and keeps the raw text as the detail (unless the text
 * is the reason itself). The operator's map may name reasons outside the seed list; the seed says "etc.".
 */
export function normaliseClosureReason(
  raw: unknown,
  customMap: Readonly<Record<string, string>> = {},
): NormalisedClosureReason {
  const text = cleanCrmText(raw);
  if (text === undefined) return {};
  const key = closureReasonKey(text);
  const custom = Object.entries(customMap).find(([from]) => closureReasonKey(from) === key)?.[1];
  const reason =
    (custom !== undefined && closureReasonKey(custom) !== '' ? closureReasonKey(custom) : undefined) ??
    DEFAULT_CLOSURE_REASON_MAP[key] ??
    KEYWORDS.find(([pattern]) => pattern.test(key))?.[1] ??
    'other';
  return text === reason ? { closureReason: reason } : { closureReason: reason, closureDetail: text };
}

export function isClosureReason(value: string): value is ClosureReason {
  return (CLOSURE_REASONS as readonly string[]).includes(value);
}
