import type { RoundTrip } from './floor';

/**
 * The round trips a close MUST make on the webhook path with Google (Data Manager) and Meta enabled, each
 * with its reason, and what it must wait for. docs/performance.md lists the same. Not here: the Google OAuth
 * token (cached for its hour: one call per container per hour, not per close) and anything a repeat or a
 * racing twin needs (they take the conditional writes' failure path, which is not the floor).
 */
const uploadAndRecord = (after: readonly string[]): RoundTrip[] => [
  {
    id: 'upload-datamanager',
    service: 'datamanager',
    call: 'POST events:ingest',
    why: 'the conversion itself; needs the close durable and the lead joined',
    after,
  },
  {
    id: 'upload-meta',
    service: 'meta',
    call: 'POST /{pixel}/events',
    why: 'the conversion itself, to the other platform: in parallel with Google',
    after,
  },
  {
    id: 'delivery-datamanager',
    service: 'dynamodb',
    call: 'PutItem delivery (conditional), carrying its processing check',
    why: "Google's answer, recorded once: the condition makes a racing processor's second result fail; Data Manager only accepts the request, so the same item carries the check that asks for its result later (requestStatus:retrieve) — an accepted delivery always has one, in one write",
    after: ['upload-datamanager'],
  },
  {
    id: 'delivery-meta',
    service: 'dynamodb',
    call: 'PutItem delivery (conditional)',
    why: "Meta's answer, recorded once",
    after: ['upload-meta'],
  },
  {
    id: 'planned',
    service: 'dynamodb',
    call: 'UpdateItem close planned (conditional on version)',
    why: 'takes the close out of the due index, only once every delivery is recorded: a crash before it leaves the close due for the backfill, never lost',
    after: ['delivery-datamanager', 'delivery-meta'],
  },
];

export const HUBSPOT_CLOSE_ROUND_TRIPS: readonly RoundTrip[] = [
  {
    id: 'dedupe',
    service: 'dynamodb',
    call: 'BatchGetItem receipts + deal pointer',
    why: 'HubSpot delivers at least once: a repeated eventId is dropped before it costs an API call (the rate limit is the app’s, and retries come in storms after an outage); the pointer names the close the deal already became (a deal keeps its first key)',
    after: [],
  },
  {
    id: 'deal',
    service: 'hubspot',
    call: 'POST deals/batch/read',
    why: 'the event carries one changed property; amount, currency, stage flags, dates and the lead ID live on the deal',
    after: ['dedupe'],
  },
  {
    id: 'associations',
    service: 'hubspot',
    call: 'POST associations/deals/contacts/batch/read',
    why: "the deal's contacts; needs only the deal ID, so it runs beside the deal read",
    after: ['dedupe'],
  },
  {
    id: 'contact',
    service: 'hubspot',
    call: 'POST contacts/batch/read',
    why: "the contact's email and phone: identifiers when the lead has none or none match",
    after: ['associations'],
  },
  {
    id: 'state',
    service: 'dynamodb',
    call: 'BatchGetItem close + lead + deliveries',
    why: 'the stored close decides new / repeat / re-valued; the lead holds the click IDs; the deliveries what each platform was told. Keyed by the lead ID, so after the deal read, beside the contact read',
    after: ['deal'],
  },
  {
    id: 'close',
    service: 'dynamodb',
    call: 'PutItem close (conditional on version)',
    why: 'the close is durable before anything is sent or answered; the condition makes concurrent deliveries of the webhook record one version',
    after: ['dedupe', 'deal', 'contact', 'state'],
  },
  {
    id: 'pointer',
    service: 'dynamodb',
    call: 'UpdateItem deal pointer',
    why: 'a new close: a later change of the deal (re-opened, re-valued) must find it',
    after: ['dedupe', 'deal', 'contact', 'state'],
  },
  {
    id: 'receipt',
    service: 'dynamodb',
    call: 'PutItem receipt (conditional)',
    why: "only once the close is durable: a crash in between makes HubSpot's retry redo the work rather than skip it",
    after: ['close'],
  },
  ...uploadAndRecord(['close', 'state']),
];

export const SALESFORCE_CLOSE_ROUND_TRIPS: readonly RoundTrip[] = [
  {
    id: 'state',
    service: 'dynamodb',
    call: 'BatchGetItem receipt + deal pointer + close + lead + deliveries',
    why: 'the Outbound Message carries the Opportunity and its lead ID, so every key is known at once: the repeat check, the stored close, the lead and the deliveries in one read',
    after: [],
  },
  {
    id: 'close',
    service: 'dynamodb',
    call: 'PutItem close (conditional on version)',
    why: 'the close is durable before anything is sent or acknowledged',
    after: ['state'],
  },
  {
    id: 'pointer',
    service: 'dynamodb',
    call: 'UpdateItem deal pointer',
    why: 'a new close: a later change of the Opportunity must find it',
    after: ['state'],
  },
  {
    id: 'receipt',
    service: 'dynamodb',
    call: 'PutItem receipt (conditional)',
    why: 'only once the close is durable (Salesforce retries what it did not get an Ack for)',
    after: ['close'],
  },
  ...uploadAndRecord(['close']),
];
