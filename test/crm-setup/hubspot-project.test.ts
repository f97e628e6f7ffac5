import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  configureHubspotProject,
  HUBSPOT_APP_FILE,
  HUBSPOT_TEMPLATE_DIR,
  HUBSPOT_WEBHOOKS_FILE,
} from '../../crm-setup/hubspot/configure';
import { listTemplateFiles } from '../../crm-setup/render-project';
import { loadConfig } from '../../lib/config';
import { createHubspotClient } from '../../lib/crm/hubspot/client';
import { collectDealActivity } from '../../lib/crm/hubspot/deal-activity';
import {
  CLOSE_RELEVANT_PROPERTIES,
  CONTACT_PROPERTIES,
  dealProperties,
} from '../../lib/crm/hubspot/map-deal';
import { DEAL_OBJECT_TYPE_ID, parseHubspotWebhook } from '../../lib/crm/hubspot/webhook-payload';
import { matchRoute } from '../../lib/http/match-route';
import { HTTP_ROUTES } from '../../lib/http/routes';

/**
 * The HubSpot developer-platform project, parsed and held to the connector: its webhook subscriptions to
 * what the webhook handles, its scopes to the API calls the client makes, its target URL to the route.
 */
type SubscriptionDefinition = { subscriptionType: string; objectType?: string; propertyName?: string };
type Subscription = SubscriptionDefinition & { active: boolean };
type WebhooksFile = {
  uid: string;
  type: string;
  config: {
    settings: { targetUrl: string; maxConcurrentRequests: number };
    subscriptions: Record<'crmObjects' | 'legacyCrmObjects' | 'hubEvents', Subscription[]>;
  };
};

const BASE_URL = 'https://abc123.execute-api.eu-west-1.amazonaws.com';
const config = loadConfig({ PUBLIC_BASE_URL: BASE_URL });

/**
 * Subscribed so that the app need not be uploaded again when the connector learns them, but not handled
 * yet: the webhook answers them 200 and ignores them. When one is handled, move it out of this list.
 */
const NOT_HANDLED_YET: Record<string, string> = {
  'object.propertyChange contact lifecyclestage': 'issue 15: funnel stages from the contact lifecycle stage',
  'contact.privacyDeletion': 'issue 18: erasure of a person',
};

// CRM object type IDs as HubSpot sends them in objectTypeId (0-1 contact, 0-3 deal).
const OBJECT_TYPE_IDS: Record<string, string> = { contact: '0-1', deal: DEAL_OBJECT_TYPE_ID };
// A subscription's read scope: HubSpot delivers an object's events only to an app that may read it.
const READ_SCOPES: Record<string, string> = {
  contact: 'crm.objects.contacts.read',
  deal: 'crm.objects.deals.read',
};

let outDir: string;
let rendered: WebhooksFile;

function readJson<T>(dir: string, file: string): T {
  return JSON.parse(readFileSync(join(dir, file), 'utf8')) as T;
}

function subscriptions(file: WebhooksFile): Subscription[] {
  const { crmObjects, legacyCrmObjects, hubEvents } = file.config.subscriptions;
  return [...crmObjects, ...legacyCrmObjects, ...hubEvents];
}

function keyOf(subscription: SubscriptionDefinition): string {
  return [subscription.subscriptionType, subscription.objectType, subscription.propertyName]
    .filter((part) => part !== undefined)
    .join(' ');
}

/** The object a subscription is about: `objectType` for object.*, the prefix for classic types. */
function objectOf(subscription: SubscriptionDefinition): string {
  return subscription.objectType ?? (subscription.subscriptionType.split('.')[0] as string);
}

let nextEventId = 1000;

/** One event of the subscription as HubSpot delivers it (Webhooks API payload, reference §4). */
function eventFor(subscription: SubscriptionDefinition) {
  const object = objectOf(subscription);
  return {
    eventId: nextEventId++,
    subscriptionId: 77,
    portalId: 12345,
    appId: 999,
    occurredAt: Date.UTC(2026, 11, 1),
    subscriptionType: subscription.subscriptionType,
    attemptNumber: 0,
    objectId: 4242,
    ...(subscription.subscriptionType.startsWith('object.') ? { objectTypeId: OBJECT_TYPE_IDS[object] } : {}),
    ...(subscription.propertyName === undefined
      ? {}
      : { propertyName: subscription.propertyName, propertyValue: 'closedwon' }),
    // A merge names the deals merged and the one created from them (HubSpot's merge payload properties).
    ...(subscription.subscriptionType.endsWith('.merge')
      ? { primaryObjectId: 4242, mergedObjectIds: [4241], newObjectId: 4243, numberOfPropertiesMoved: 3 }
      : {}),
    changeSource: 'CRM_UI',
  };
}

/** Does the connector act on this event (deal activity, or a deal's merge, deletion or restore), or set it aside? */
function handles(subscription: {
  subscriptionType: string;
  objectType?: string;
  propertyName?: string;
}): boolean {
  const webhook = parseHubspotWebhook([eventFor(subscription)]);
  if (webhook.kind !== 'subscription') throw new Error('expected a subscription batch');
  const { activity, lifecycle } = collectDealActivity(webhook.events);
  return activity.length > 0 || lifecycle.length > 0;
}

beforeAll(() => {
  outDir = mkdtempSync(join(tmpdir(), 'crm-setup-hubspot-'));
  configureHubspotProject({ config, outDir });
  rendered = readJson<WebhooksFile>(outDir, HUBSPOT_WEBHOOKS_FILE);
});

afterAll(() => {
  rmSync(outDir, { recursive: true, force: true });
});

describe('HubSpot project files', () => {
  it('are well-formed JSON, in the template and rendered', () => {
    const files = listTemplateFiles(HUBSPOT_TEMPLATE_DIR);
    expect(files).toEqual(['hsproject.json', HUBSPOT_APP_FILE, HUBSPOT_WEBHOOKS_FILE]);
    for (const file of files) {
      expect(() => readJson(HUBSPOT_TEMPLATE_DIR, file), file).not.toThrow();
      expect(() => readJson(outDir, file), file).not.toThrow();
    }
  });

  it('declare a developer-platform project on the 2026.09 platform with one app and one webhooks component', () => {
    expect(readJson(outDir, 'hsproject.json')).toEqual({
      name: 'crm-conversions',
      srcDir: 'src',
      platformVersion: '2026.09',
    });
    const app = readJson<{ uid: string; type: string }>(outDir, HUBSPOT_APP_FILE);
    expect(app.type).toBe('app');
    expect(rendered.type).toBe('webhooks');
    expect(rendered.uid).not.toBe(app.uid);
  });
});

describe('HubSpot app', () => {
  const app = readJson<{
    config: {
      distribution: string;
      auth: { type: string; requiredScopes: string[]; optionalScopes: string[] };
    };
  }>(HUBSPOT_TEMPLATE_DIR, HUBSPOT_APP_FILE);

  it('is a private app with static auth (one account, no OAuth backend)', () => {
    expect(app.config.distribution).toBe('private');
    expect(app.config.auth.type).toBe('static');
  });

  it('asks for exactly the read scopes of the objects the HubSpot client calls, and no write scope', async () => {
    // Every request the client can make, recorded; each path names the CRM objects it reads.
    const paths: string[] = [];
    const recordingFetch = async (url: string | URL | Request) => {
      const { pathname } = new URL(String(url));
      paths.push(pathname);
      const body = pathname.includes('/search') ? { total: 0, results: [] } : { results: [] };
      return new Response(JSON.stringify(body), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    };
    const client = createHubspotClient({
      baseUrl: 'https://api.hubapi.test',
      accessToken: 'token',
      fetch: recordingFetch as typeof fetch,
    });
    await client.readDeals(['1'], { properties: ['dealstage'] });
    await client.readDealContactIds(['1']);
    await client.readContacts(['2'], { properties: ['email'] });
    await client.getDealPipelines();
    await client.searchDealsModifiedBetween({ since: 0, until: 1, properties: ['dealstage'] });

    const objectScopes: Record<string, string> = {
      deals: READ_SCOPES.deal as string,
      contacts: READ_SCOPES.contact as string,
    };
    // Path segments that are not object names: the API family, its version, the operation.
    const notObjects = /^(crm|objects|associations|pipelines|batch|read|search|v\d+|\d{4}-\d{2}(-beta)?)$/;
    const needed = new Set<string>(['oauth']);
    for (const path of paths) {
      for (const segment of path.split('/').filter((part) => part !== '' && !notObjects.test(part))) {
        expect(
          objectScopes,
          `${path}: which scope reads "${segment}"? add it here and to the app`,
        ).toHaveProperty(segment);
        needed.add(objectScopes[segment] as string);
      }
    }
    expect(paths).toHaveLength(5);
    expect([...app.config.auth.requiredScopes].sort()).toEqual([...needed].sort());
    expect(app.config.auth.optionalScopes).toEqual([]);
    expect(app.config.auth.requiredScopes.filter((scope) => scope.includes('write'))).toEqual([]);
  });

  it('can read every object it subscribes to', () => {
    for (const subscription of subscriptions(rendered)) {
      expect(app.config.auth.requiredScopes, keyOf(subscription)).toContain(
        READ_SCOPES[objectOf(subscription)],
      );
    }
  });
});

describe('HubSpot webhook subscriptions', () => {
  it('send to the connector route at PUBLIC_BASE_URL', () => {
    const target = new URL(rendered.config.settings.targetUrl);
    const route = HTTP_ROUTES.find((candidate) => candidate.functionName === 'hubspot-webhook');
    expect(target.origin).toBe(BASE_URL);
    expect(route && matchRoute(route.path, target.pathname)).toEqual({});
    expect(rendered.config.settings.maxConcurrentRequests).toBeGreaterThan(0);
  });

  it('are all active and each declared once', () => {
    const keys = subscriptions(rendered).map(keyOf);
    expect(new Set(keys).size).toBe(keys.length);
    expect(subscriptions(rendered).filter((subscription) => !subscription.active)).toEqual([]);
  });

  it('cover every deal property whose change the connector acts on, and deal creation', () => {
    const subscribed = new Set(subscriptions(rendered).map(keyOf));
    for (const property of CLOSE_RELEVANT_PROPERTIES) {
      expect(subscribed, property).toContain(`object.propertyChange deal ${property}`);
    }
    expect(subscribed).toContain('object.creation deal');
  });

  it('cover every event the connector acts on', () => {
    // Probe what the webhook collects, whatever constant or branch decides it: deal and contact events of
    // every subscription type, and property changes of every property the connector reads.
    const properties = {
      deal: [...new Set([...dealProperties(config.hubspot.leadIdProperty), ...CLOSE_RELEVANT_PROPERTIES])],
      contact: [...CONTACT_PROPERTIES, 'lifecyclestage'],
    };
    const actions = ['creation', 'deletion', 'merge', 'restore', 'associationChange'];
    const probes = Object.entries(properties).flatMap(([objectType, names]) => [
      ...actions.map((action) => ({ subscriptionType: `object.${action}`, objectType })),
      ...names.map((propertyName) => ({
        subscriptionType: 'object.propertyChange',
        objectType,
        propertyName,
      })),
    ]);
    const subscribed = new Set(subscriptions(rendered).map(keyOf));
    const handled = probes.filter(handles).map(keyOf);
    expect(handled.length).toBeGreaterThan(0);
    for (const key of handled) expect(subscribed, key).toContain(key);
  });

  it('are each handled by the connector, or listed here as handled next (answered 200 and ignored until then)', () => {
    for (const subscription of subscriptions(rendered)) {
      const key = keyOf(subscription);
      // Every subscribed event must pass validation: a 400 would make HubSpot drop the whole batch.
      expect(() => parseHubspotWebhook([eventFor(subscription)]), key).not.toThrow();
      if (key in NOT_HANDLED_YET) {
        expect(handles(subscription), `${key} is handled now: take it out of NOT_HANDLED_YET`).toBe(false);
      } else {
        expect(handles(subscription), `${key} is subscribed but ignored by the connector`).toBe(true);
      }
    }
    const subscribed = new Set(subscriptions(rendered).map(keyOf));
    for (const key of Object.keys(NOT_HANDLED_YET)) expect(subscribed, key).toContain(key);
  });
});

describe('configureHubspotProject', () => {
  it('refuses to render without an https PUBLIC_BASE_URL', () => {
    const dir = join(outDir, 'refused');
    expect(() => configureHubspotProject({ config: loadConfig({}), outDir: dir })).toThrow(
      /PUBLIC_BASE_URL is required/,
    );
    expect(() =>
      configureHubspotProject({ config: loadConfig({ PUBLIC_BASE_URL: 'http://abc.example' }), outDir: dir }),
    ).toThrow(/https origin/);
  });

  it('leaves no placeholder in the rendered project', () => {
    for (const file of listTemplateFiles(HUBSPOT_TEMPLATE_DIR)) {
      expect(readFileSync(join(outDir, file), 'utf8'), file).not.toMatch(/\{\{/);
    }
  });
});
