import { salesforceIdSuffix } from '../../lib/crm/salesforce/record-id';
import { closeKeyFor } from '../../lib/domain';
import type { Prng } from '../support/prng';

/**
 * The reliability scenario as plain data, built from one seeded generator: who the leads are (in
 * plaintext, so the test can later search for every identifier it invented), how each deal closes in
 * HubSpot or Salesforce, and how the CRMs report those closes — batched, repeated, out of order,
 * concurrently, or never. Nothing here does I/O; the test turns the timeline into handler calls.
 */
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
/** 2026-11-23T09:00:00Z: the closes happen in the ten minutes after it. */
export const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);
const CLOSING_SPAN_MS = 10 * MINUTE;
/** The scheduled backfill's period (serverless.yml). */
export const SCHEDULE_MS = 15 * MINUTE;

export type Crm = 'hubspot' | 'salesforce';
/** A lead captured before its close; after it (through collect); never; or a deal without a lead ID. */
export type LeadPlan = 'on_time' | 'late' | 'never_captured' | 'no_lead_id';
/** By webhook batches; as one webhook delivered twice at the same moment; or never (CRM polling). */
export type DeliveryPlan = 'webhook' | 'concurrent' | 'never';
/** An older report delivered after the newer one: the deal was open then, or won at another amount. */
export type OlderState = 'open' | 'revalued';

export type Person = {
  email?: string;
  phone?: string;
  firstName?: string;
  lastName?: string;
  postalCode?: string;
};

export type Lead = {
  leadId: string;
  capturedAt: number;
  person: Person;
  clicks: { gclid?: string; fbclid?: string; ga?: string; ttclid?: string };
  consent: { analytics: boolean; personalization: boolean; marketing: boolean };
  ip: string;
  userAgent: string;
  /** When collect receives it. */
  arrivesAt: number;
};

/** A HubSpot contact associated with the deal (the CRM's fallback identity). */
export type Contact = { id: string; email: string; phone?: string; firstName: string; lastName: string };

export type PlannedClose = {
  index: number;
  crm: Crm;
  dealId: string;
  leadId?: string;
  /** The key the connector records the close under: the lead ID, else the deal's own key. */
  subjectKey: string;
  outcome: 'won' | 'lost';
  /** The deal's final amount (a lost close is recorded at 0). */
  amount: number;
  currency: 'USD' | 'EUR' | 'GBP';
  lossReason?: string;
  createdAt: number;
  /** When the deal reached its terminal stage. */
  closedAt: number;
  /** The CRM's last change of the deal (later than closedAt for a re-valued deal). */
  modifiedAt: number;
  leadPlan: LeadPlan;
  lead?: Lead;
  contact?: Contact;
  delivery: DeliveryPlan;
  duplicate: boolean;
  outOfOrder?: { state: OlderState; at: number; amount?: number };
  /**
   * Re-valued long after it closed (and after every platform had the first value), reported in order:
   * the CRM holds `fromAmount` until `at`, then `amount`.
   */
  revalue?: { at: number; fromAmount: number };
};

export type HubspotReport = {
  crm: 'hubspot';
  close: PlannedClose;
  eventId: string;
  occurredAt: number;
  propertyName: 'dealstage' | 'amount';
  propertyValue: string;
  deliverAt: number;
  role: 'main' | 'older' | 'duplicate' | 'revalue';
};

export type SalesforceReport = {
  crm: 'salesforce';
  close: PlannedClose;
  notificationId: string;
  fields: Record<string, string | number | boolean | null>;
  deliverAt: number;
  role: 'main' | 'older' | 'duplicate' | 'revalue';
};

export type Report = HubspotReport | SalesforceReport;

export type Step =
  | { at: number; kind: 'collect'; leads: Lead[] }
  | { at: number; kind: 'webhook'; crm: Crm; reports: Report[]; concurrent: boolean }
  /** The deal changes in the CRM (its API and SOQL show the new state from now on). */
  | { at: number; kind: 'crm-change'; close: PlannedClose }
  | { at: number; kind: 'backfill' };

export type Scenario = {
  closes: PlannedClose[];
  /** Every plaintext identifier invented for leads and contacts: none may be stored or logged. */
  plaintext: string[];
  steps: Step[];
  counts: ScenarioCounts;
};

export type ScenarioCounts = Record<
  | 'closes'
  | 'hubspot'
  | 'salesforce'
  | 'won'
  | 'lost'
  | 'reports'
  | 'duplicateReports'
  | 'olderReports'
  | 'concurrentWebhooks'
  | 'neverDelivered'
  | 'leadsOnTime'
  | 'leadsLate'
  | 'leadsNeverCaptured'
  | 'closesWithoutLeadId'
  | 'revalued'
  | 'webhooks',
  number
>;

export type ScenarioOptions = {
  closes: number;
  shares: {
    lost: number;
    late: number;
    neverCaptured: number;
    noLeadId: number;
    never: number;
    concurrent: number;
    outOfOrder: number;
    duplicate: number;
    revalued: number;
  };
};

const SYLLABLES = ['zor', 'qua', 'xil', 'vek', 'mir', 'tha', 'kov', 'ryn', 'bex', 'wul', 'jop', 'zen'];
const LOSS_REASONS = ['Lost to competitor', 'Too expensive', 'No budget', 'Went dark', 'Not a fit', 'Timing'];
const DOMAINS = ['example.com', 'gmail.com', 'example.org'];

function name(random: Prng, syllables: number): string {
  const text = Array.from({ length: syllables }, () => random.pick(SYLLABLES)).join('');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function alnum(random: Prng, length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789';
  return Array.from({ length }, () => alphabet.charAt(random.int(0, alphabet.length - 1))).join('');
}

function salesforceId(prefix: string, serial: number): string {
  const id15 = `${prefix}${String(serial).padStart(15 - prefix.length, '0')}`;
  return `${id15}${salesforceIdSuffix(id15)}`;
}

/** Exactly `count` of `items`, chosen at random. */
function choose<T>(random: Prng, items: readonly T[], count: number): Set<T> {
  return new Set(random.shuffle(items).slice(0, count));
}

function person(random: Prng, serial: number): Person {
  const firstName = name(random, 2);
  const lastName = name(random, 3);
  const domain = random.pick(DOMAINS);
  // Gmail addresses get dots and a +tag, which Google's normalisation removes before hashing.
  const local =
    domain === 'gmail.com'
      ? `${firstName}.${lastName}${serial}${random.chance(0.5) ? '+crm' : ''}`
      : `${firstName}.${lastName}.${serial}`;
  const phone = `+1 (415) 555-${String(1000 + serial).slice(-4)}`;
  return {
    ...(random.chance(0.75) ? { email: `${local}@${domain}` } : {}),
    ...(random.chance(0.6) ? { phone } : {}),
    ...(random.chance(0.8) ? { firstName, lastName } : {}),
    ...(random.chance(0.7) ? { postalCode: String(random.int(10000, 99999)) } : {}),
  };
}

function lead(random: Prng, leadId: string, serial: number): Lead {
  const capturedAt = T0 - random.int(1, 60) * DAY - random.int(0, DAY - 1);
  return {
    leadId,
    capturedAt,
    person: person(random, serial),
    clicks: {
      ...(random.chance(0.6) ? { gclid: `EAIaIQobChMI${alnum(random, 20)}` } : {}),
      ...(random.chance(0.4) ? { fbclid: `IwAR${alnum(random, 24)}` } : {}),
      ...(random.chance(0.7)
        ? { ga: `GA1.1.${random.int(100_000_000, 999_999_999)}.${Math.floor(capturedAt / 1000)}` }
        : {}),
      ...(random.chance(0.25) ? { ttclid: `E.C.P.${alnum(random, 24)}` } : {}),
    },
    consent: {
      analytics: !random.chance(0.06),
      personalization: true,
      marketing: !random.chance(0.08),
    },
    ip: `203.0.113.${random.int(1, 254)}`,
    userAgent: `Mozilla/5.0 (reliability ${random.int(1, 9)})`,
    arrivesAt: T0 - 5 * MINUTE,
  };
}

function plaintextOf(person: Person | Contact | undefined): string[] {
  if (!person) return [];
  const email = person.email;
  const phone = person.phone;
  const digits = phone?.replace(/\D/g, '');
  return [
    ...(email ? [email, email.toLowerCase(), email.split('@')[0] as string] : []),
    ...(email?.endsWith('@gmail.com')
      ? [`${(email.split('@')[0] as string).split('+')[0]?.replace(/\./g, '').toLowerCase()}@gmail.com`]
      : []),
    ...(phone && digits ? [phone, `+${digits}`, digits, digits.slice(1)] : []),
    ...(person.firstName ? [person.firstName, person.firstName.toLowerCase()] : []),
    ...(person.lastName ? [person.lastName, person.lastName.toLowerCase()] : []),
  ];
}

/** Deals, leads and contacts, each close with its plans (exact counts, chosen at random). */
function planCloses(random: Prng, options: ScenarioOptions): PlannedClose[] {
  const { closes: total, shares } = options;
  const indexes = Array.from({ length: total }, (_, index) => index);
  const count = (share: number) => Math.round(total * share);
  const salesforce = choose(random, indexes, Math.floor(total / 2));
  const lost = choose(random, indexes, count(shares.lost));
  const leadPlans = random.shuffle(indexes);
  const noLeadId = new Set(leadPlans.slice(0, count(shares.noLeadId)));
  const neverCaptured = new Set(leadPlans.slice(noLeadId.size, noLeadId.size + count(shares.neverCaptured)));
  const captured = leadPlans.slice(noLeadId.size + neverCaptured.size);
  // "10% of leads arrive after their close": a share of the leads that are captured at all.
  const late = new Set(captured.slice(0, Math.round(captured.length * shares.late)));
  const deliveryPlans = random.shuffle(indexes);
  const never = new Set(deliveryPlans.slice(0, count(shares.never)));
  const concurrent = new Set(deliveryPlans.slice(never.size, never.size + count(shares.concurrent)));
  const batched = deliveryPlans.slice(never.size + concurrent.size);
  const outOfOrder = choose(random, batched, count(shares.outOfOrder));
  const duplicate = choose(random, [...concurrent, ...batched], count(shares.duplicate));
  const revalued = choose(
    random,
    // Not one waiting for a lead that never comes: its first version would still be unsent.
    batched.filter((index) => !lost.has(index) && !outOfOrder.has(index) && !neverCaptured.has(index)),
    count(shares.revalued),
  );

  return indexes.map((index): PlannedClose => {
    const crm: Crm = salesforce.has(index) ? 'salesforce' : 'hubspot';
    const dealId = crm === 'hubspot' ? String(9_000_000 + index * 7) : salesforceId('0065g00000', index);
    const leadPlan: LeadPlan = noLeadId.has(index)
      ? 'no_lead_id'
      : neverCaptured.has(index)
        ? 'never_captured'
        : late.has(index)
          ? 'late'
          : 'on_time';
    const leadId =
      leadPlan === 'no_lead_id' ? undefined : `lead-${String(index).padStart(4, '0')}-${alnum(random, 6)}`;
    const outcome = lost.has(index) ? 'lost' : 'won';
    const closedAt = T0 + random.int(0, CLOSING_SPAN_MS - 1);
    const revaluedFirst = outOfOrder.has(index) && outcome === 'won' && random.chance(0.5);
    const modifiedAt = revaluedFirst ? closedAt + random.int(30, 180) * SECOND : closedAt;
    const firstAmount = random.int(5, 400) * 250;
    const revalue = revalued.has(index)
      ? { at: T0 + 90 * MINUTE + random.int(0, 30 * 60) * SECOND, fromAmount: firstAmount }
      : undefined;
    const amount = revalue ? firstAmount + random.int(1, 40) * 250 : firstAmount;
    const planned: PlannedClose = {
      index,
      crm,
      dealId,
      ...(leadId ? { leadId } : {}),
      subjectKey: closeKeyFor({ crm, dealId, leadId }),
      outcome,
      amount,
      currency: random.pick(['USD', 'USD', 'USD', 'EUR', 'GBP'] as const),
      ...(outcome === 'lost' ? { lossReason: random.pick(LOSS_REASONS) } : {}),
      createdAt: closedAt - random.int(5, 120) * DAY,
      closedAt,
      modifiedAt,
      leadPlan,
      delivery: never.has(index) ? 'never' : concurrent.has(index) ? 'concurrent' : 'webhook',
      duplicate: duplicate.has(index),
      ...(revalue ? { revalue } : {}),
      ...(outOfOrder.has(index)
        ? {
            outOfOrder: revaluedFirst
              ? { state: 'revalued' as const, at: closedAt, amount: amount + random.int(1, 40) * 250 }
              : { state: 'open' as const, at: closedAt - random.int(1, 72 * 60) * MINUTE },
          }
        : {}),
    };
    if (leadId && leadPlan !== 'never_captured') {
      planned.lead = lead(random, leadId, index);
      if (leadPlan === 'late') planned.lead.arrivesAt = closedAt + random.int(20, 300) * SECOND;
    }
    if (crm === 'hubspot' && random.chance(0.7)) {
      planned.contact = {
        id: String(700_000 + index),
        email: `${name(random, 2)}.${name(random, 2)}.${index}@example.net`,
        ...(random.chance(0.5) ? { phone: `+1 (650) 555-${String(1000 + index).slice(-4)}` } : {}),
        firstName: name(random, 2),
        lastName: name(random, 3),
      };
    }
    return planned;
  });
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The Opportunity's fields as an Outbound Message (or SOQL) carries them, in the given state. */
export function opportunityFields(
  close: PlannedClose,
  state: { closed: boolean; amount: number; modifiedAt: number },
): Record<string, string | number | boolean | null> {
  const won = state.closed && close.outcome === 'won';
  return {
    Id: close.dealId,
    StageName: !state.closed ? 'Negotiation/Review' : won ? 'Closed Won' : 'Closed Lost',
    IsWon: won,
    IsClosed: state.closed,
    Amount: state.amount,
    CurrencyIsoCode: close.currency,
    CloseDate: iso(close.closedAt).slice(0, 10),
    CreatedDate: iso(close.createdAt),
    LastModifiedDate: iso(state.modifiedAt),
    SystemModstamp: iso(state.modifiedAt),
    Type: 'New Customer',
    Lead_ID__c: close.leadId ?? null,
    Loss_Reason__c: state.closed && !won ? (close.lossReason ?? null) : null,
  };
}

/** The deal as the CRM holds it once closed (`first`), or after its re-valuation (`final`). */
export function dealState(close: PlannedClose, phase: 'first' | 'final') {
  const first = phase === 'first' && close.revalue !== undefined;
  return {
    closed: true,
    amount: first ? (close.revalue?.fromAmount as number) : close.amount,
    modifiedAt: first || !close.revalue ? close.modifiedAt : close.revalue.at,
  };
}

/** The deal as HubSpot's API holds it (properties are strings). */
export function hubspotDealProperties(
  close: PlannedClose,
  phase: 'first' | 'final',
): Record<string, string | null> {
  const won = close.outcome === 'won';
  const state = dealState(close, phase);
  return {
    dealstage: won ? 'closedwon' : 'closedlost',
    pipeline: 'default',
    amount: String(state.amount),
    deal_currency_code: close.currency,
    closedate: iso(close.closedAt),
    createdate: iso(close.createdAt),
    closed_lost_reason: won ? null : (close.lossReason ?? null),
    closed_won_reason: won ? 'Strong fit' : null,
    dealtype: 'newbusiness',
    hs_is_closed_won: String(won),
    hs_is_closed: 'true',
    hs_lastmodifieddate: iso(state.modifiedAt),
    lead_id: close.leadId ?? null,
  };
}

/** The reports a CRM sends about one close: the newest first, then an older one, then a repeat. */
function reportsOf(random: Prng, close: PlannedClose, serial: () => number): Report[] {
  if (close.delivery === 'never') return [];
  const mainAt = close.modifiedAt + random.int(1, 40) * SECOND;
  const reports: Report[] = [];
  const older = close.outOfOrder;
  if (close.crm === 'hubspot') {
    const stage = close.outcome === 'won' ? 'closedwon' : 'closedlost';
    const hubspot = (
      role: HubspotReport['role'],
      deliverAt: number,
      occurredAt: number,
      propertyName: HubspotReport['propertyName'],
      propertyValue: string,
      eventId = String(serial()),
    ): HubspotReport => ({
      crm: 'hubspot',
      close,
      eventId,
      occurredAt,
      propertyName,
      propertyValue,
      deliverAt,
      role,
    });
    // A re-valued deal's newest report is the amount change; its stage change is the older one.
    const main =
      older?.state === 'revalued'
        ? hubspot('main', mainAt, close.modifiedAt, 'amount', String(close.amount))
        : hubspot('main', mainAt, close.closedAt, 'dealstage', stage);
    reports.push(main);
    if (close.revalue) {
      const at = close.revalue.at;
      reports.push(hubspot('revalue', at + random.int(1, 40) * SECOND, at, 'amount', String(close.amount)));
    }
    if (older) {
      const olderAt = mainAt + random.int(5, 90) * SECOND;
      reports.push(
        older.state === 'revalued'
          ? hubspot('older', olderAt, older.at, 'dealstage', stage)
          : hubspot('older', olderAt, older.at, 'dealstage', 'contractsent'),
      );
    }
    if (close.duplicate) {
      reports.push({ ...main, role: 'duplicate', deliverAt: mainAt + random.int(20, 150) * SECOND });
    }
    return reports;
  }
  const notificationId = () => salesforceId('04l5g00000', serial());
  const main: SalesforceReport = {
    crm: 'salesforce',
    close,
    notificationId: notificationId(),
    fields: opportunityFields(close, dealState(close, 'first')),
    deliverAt: mainAt,
    role: 'main',
  };
  reports.push(main);
  if (close.revalue) {
    reports.push({
      crm: 'salesforce',
      close,
      notificationId: notificationId(),
      fields: opportunityFields(close, dealState(close, 'final')),
      deliverAt: close.revalue.at + random.int(1, 40) * SECOND,
      role: 'revalue',
    });
  }
  if (older) {
    reports.push({
      crm: 'salesforce',
      close,
      notificationId: notificationId(),
      fields: opportunityFields(close, {
        closed: older.state === 'revalued',
        amount: older.amount ?? close.amount,
        modifiedAt: older.at,
      }),
      deliverAt: mainAt + random.int(5, 90) * SECOND,
      role: 'older',
    });
  }
  if (close.duplicate) {
    reports.push({ ...main, role: 'duplicate', deliverAt: mainAt + random.int(20, 150) * SECOND });
  }
  return reports;
}

/** Groups items by a time bucket, in time order; each group is sent at its bucket's end. */
function bucketed<T>(items: readonly T[], timeOf: (item: T) => number, bucketMs: number): [number, T[]][] {
  const buckets = new Map<number, T[]>();
  for (const item of [...items].sort((a, b) => timeOf(a) - timeOf(b))) {
    const bucket = Math.floor(timeOf(item) / bucketMs);
    const list = buckets.get(bucket) ?? [];
    list.push(item);
    buckets.set(bucket, list);
  }
  return [...buckets].map(([bucket, list]) => [(bucket + 1) * bucketMs, list]);
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

/** HubSpot and Salesforce both send at most 100 events / notifications a request. */
const MAX_PER_WEBHOOK = 100;
/** How long a CRM gathers reports before it sends them. */
const WEBHOOK_BUCKET_MS = 60 * SECOND;
const COLLECT_BUCKET_MS = 30 * SECOND;

export function buildScenario(random: Prng, options: ScenarioOptions): Scenario {
  const closes = planCloses(random, options);
  let serial = 1000;
  const reports = closes.flatMap((close) => reportsOf(random, close, () => serial++));
  const steps: Step[] = [];
  const onTime = closes.flatMap((close) => (close.lead && close.leadPlan !== 'late' ? [close.lead] : []));
  for (const leads of chunks(onTime, 500)) steps.push({ at: T0 - 5 * MINUTE, kind: 'collect', leads });
  const late = closes.flatMap((close) => (close.leadPlan === 'late' && close.lead ? [close.lead] : []));
  for (const [at, leads] of bucketed(late, (lead) => lead.arrivesAt, COLLECT_BUCKET_MS)) {
    steps.push({ at, kind: 'collect', leads });
  }
  // A concurrent repeat is one close's webhook, sent twice at the same moment; its later repeat (if any)
  // rides in an ordinary batch.
  const alone = reports.filter((report) => report.close.delivery === 'concurrent' && report.role === 'main');
  for (const report of alone) {
    steps.push({
      at: report.deliverAt,
      kind: 'webhook',
      crm: report.crm,
      reports: [report],
      concurrent: true,
    });
  }
  for (const crm of ['hubspot', 'salesforce'] as const) {
    const batched = reports.filter((report) => report.crm === crm && !alone.includes(report));
    for (const [at, bucket] of bucketed(batched, (report) => report.deliverAt, WEBHOOK_BUCKET_MS)) {
      for (const part of chunks(bucket, MAX_PER_WEBHOOK)) {
        steps.push({ at, kind: 'webhook', crm, reports: part, concurrent: false });
      }
    }
  }
  for (const close of closes) {
    if (close.revalue) steps.push({ at: close.revalue.at, kind: 'crm-change', close });
  }
  const lastAt = Math.max(...steps.map((step) => step.at));
  for (let at = T0 + SCHEDULE_MS; at <= lastAt; at += SCHEDULE_MS) steps.push({ at, kind: 'backfill' });
  // Stable order: by time, then collect before webhooks before the backfill (a fixed tie-break).
  const rank = { 'crm-change': 0, collect: 1, webhook: 2, backfill: 3 } as const;
  steps.sort((a, b) => a.at - b.at || rank[a.kind] - rank[b.kind]);

  const plaintext = [
    ...new Set(
      closes.flatMap((close) => [...plaintextOf(close.lead?.person), ...plaintextOf(close.contact)]),
    ),
  ];
  const counts: ScenarioCounts = {
    closes: closes.length,
    hubspot: closes.filter((close) => close.crm === 'hubspot').length,
    salesforce: closes.filter((close) => close.crm === 'salesforce').length,
    won: closes.filter((close) => close.outcome === 'won').length,
    lost: closes.filter((close) => close.outcome === 'lost').length,
    reports: reports.length,
    duplicateReports: reports.filter((report) => report.role === 'duplicate').length,
    olderReports: reports.filter((report) => report.role === 'older').length,
    concurrentWebhooks: alone.length,
    neverDelivered: closes.filter((close) => close.delivery === 'never').length,
    leadsOnTime: onTime.length,
    leadsLate: late.length,
    leadsNeverCaptured: closes.filter((close) => close.leadPlan === 'never_captured').length,
    closesWithoutLeadId: closes.filter((close) => close.leadPlan === 'no_lead_id').length,
    revalued: closes.filter((close) => close.revalue).length,
    webhooks: steps.filter((step) => step.kind === 'webhook').length,
  };
  return { closes, plaintext, steps, counts };
}
