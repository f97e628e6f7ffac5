import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoData, META_REFUSED_LEAD, seedDemoData } from '../../../local/dashboard/demo-data';
import { replayThrough, startDashboard } from '../../../local/dashboard/server';
import { browserTestsRun, CHROMIUM_PATH, INSTALL_CHROMIUM } from '../../support/browser';
import { createTestTable, type TestTable } from '../../support/dynamo';
import { scanTable } from '../../support/table-items';

/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core), JavaScript off, over the
 * demo's story told into a fresh table: each page's numbers against the table's own items, the filters,
 * a subject's timeline, a replay that adds an attempt, no plaintext identifier on any page, and a
 * screenshot of each page (into docs/ with UPDATE_SCREENSHOTS=1, which the README shows).
 */
const ROOT = join(__dirname, '..', '..', '..');
const SHOTS =
  process.env.UPDATE_SCREENSHOTS === '1' ? join(ROOT, 'docs') : mkdtempSync(join(tmpdir(), 'dashboard-'));
const DAY = 86_400_000;

type Item = Record<string, unknown>;

/** Every plaintext email, phone, IP and name the demo's lead samples carry, as sent and as normalised. */
function seededIdentifiers(): string[] {
  const values = new Set<string>();
  const dir = join(ROOT, 'events', 'collect');
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.json'))) {
    const event = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { body?: string };
    let body: { user?: Record<string, unknown>; context?: Record<string, unknown> } = {};
    try {
      body = JSON.parse(event.body ?? '{}');
    } catch {
      continue;
    }
    for (const value of [
      body.user?.email,
      body.user?.phone,
      body.user?.first_name,
      body.user?.last_name,
      body.user?.street,
      body.context?.ip,
    ]) {
      if (typeof value !== 'string' || value.trim().length < 4) continue;
      values.add(value.trim());
      values.add(value.trim().toLowerCase());
    }
    const phone = body.user?.phone;
    if (typeof phone === 'string') values.add(phone.replace(/[^\d]/g, ''));
  }
  return [...values];
}

describe.runIf(browserTestsRun('test/local/dashboard/browser.test.ts'))(
  'npm run dashboard in a browser',
  () => {
    let table: TestTable;
    let demo: DemoData;
    let dashboard: { url: string; close: () => Promise<void> };
    let browser: Browser;
    let page: Page;
    const html: Record<string, string> = {};

    beforeAll(async () => {
      table = await createTestTable();
      demo = await seedDemoData({
        client: table.client,
        endpoint: table.endpoint,
        tableName: table.tableName,
      });
      dashboard = await startDashboard({
        store: demo.runtime.store,
        now: () => demo.clock.now,
        source: `table ${table.tableName}`,
        replay: replayThrough(demo.runtime),
        port: 0,
      });
      browser = await chromium
        .launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox'] })
        .catch((error) => {
          throw new Error(
            `no browser at ${CHROMIUM_PATH} (${(error as Error).message}) — ${INSTALL_CHROMIUM}`,
          );
        });
      const context = await browser.newContext({
        javaScriptEnabled: false,
        viewport: { width: 1200, height: 900 },
      });
      page = await context.newPage();
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      await dashboard?.close();
      await demo?.stop();
    });

    async function open(path: string, shot: string): Promise<void> {
      const response = await page.goto(`${dashboard.url}${path}`);
      expect(response?.status()).toBe(200);
      html[shot] = await page.content();
      await page.screenshot({ path: join(SHOTS, `dashboard-${shot}.png`), fullPage: true });
    }
    const text = async (selector: string) => (await page.locator(selector).first().innerText()).trim();

    it('shows on the overview what the table holds: leads, closes won and lost by day, and each destination', async () => {
      await open('/', 'overview');
      const items = await scanTable(table);
      const first = Math.floor(demo.clock.now / DAY) * DAY - 13 * DAY;
      const inWindow = (ms: unknown) => Number(ms) >= first && Number(ms) < first + 14 * DAY;
      const closes = items.filter((item) => item.type === 'close' && inWindow(item.closedAt));

      expect(await text('#leads-captured b')).toBe(
        String(items.filter((item) => item.type === 'lead' && inWindow(item.capturedAt)).length),
      );
      const stages = items.filter((item) => item.type === 'stage' && inWindow(item.reachedAt));
      expect(stages.length).toBeGreaterThan(0);
      expect(await text('#stages-reached b')).toBe(String(stages.length));
      expect(await text('#closes-won b')).toBe(
        String(closes.filter((item) => item.outcome === 'won').length),
      );
      expect(await text('#closes-lost b')).toBe(
        String(closes.filter((item) => item.outcome === 'lost').length),
      );
      const deliveries = items.filter((item) => item.type === 'delivery');
      expect(deliveries.length).toBeGreaterThan(0);
      for (const destination of new Set(deliveries.map((item) => String(item.destination)))) {
        const mine = deliveries.filter((item) => item.destination === destination);
        const status = (item: Item) => String(item.status);
        const row = page.locator('#destinations tr', { hasText: destination });
        const count = async (name: string) =>
          (await row.locator(`[data-count="${name}"]`).innerText()).trim();
        expect(await count('processed')).toBe(
          String(mine.filter((item) => ['processed', 'delivered'].includes(status(item))).length),
        );
        expect(await count('accepted')).toBe(
          String(mine.filter((item) => status(item) === 'accepted').length),
        );
        expect(await count('rejected')).toBe(
          String(mine.filter((item) => status(item).startsWith('failed:') && item.rejectedByPlatform).length),
        );
        expect(await count('not_sent')).toBe(
          String(
            mine.filter(
              (item) =>
                status(item).startsWith('skipped:') ||
                (status(item).startsWith('failed:') && !item.rejectedByPlatform),
            ).length,
          ),
        );
        expect(await count('waiting')).toBe(
          String(
            mine.filter((item) => ['pending', 'retry', 'waiting_for_lead'].includes(status(item))).length,
          ),
        );
      }
      // Meta refused one event: the rejection and its reason are on the page.
      expect(await text('#failures')).toContain(META_REFUSED_LEAD);
      expect(await page.locator('#by-day rect').count()).toBeGreaterThan(0);
    });

    it('lists every delivery, then only those the filter form asks for', async () => {
      await open('/subjects', 'subjects');
      const deliveries = (await scanTable(table)).filter((item) => item.type === 'delivery');
      expect(await page.locator('#subjects tbody tr').count()).toBe(deliveries.length);

      await page.selectOption('select[name="destination"]', 'meta');
      await page.selectOption('select[name="status"]', 'failed');
      await page.click('form.filters button[type="submit"]');

      const failedMeta = deliveries.filter(
        (item) => item.destination === 'meta' && String(item.status).startsWith('failed:'),
      );
      expect(failedMeta.length).toBeGreaterThan(0);
      const rows = await page.locator('#subjects tbody tr').allInnerTexts();
      expect(rows.map((row) => row.split('\t')[0]?.trim()).sort()).toEqual(
        failedMeta.map((item) => String(item.closeKey)).sort(),
      );
      expect(new URL(page.url()).searchParams.get('destination')).toBe('meta');
    });

    it("tells one subject's story: capture, close, each upload and Google's processing result, payloads abbreviated", async () => {
      await open('/subjects/lead_abc123', 'timeline');
      const kinds = await page
        .locator('#timeline li')
        .evaluateAll((items) =>
          items.map(
            (item) => `${item.getAttribute('data-kind')}:${item.getAttribute('data-destination') ?? ''}`,
          ),
        );
      const histories = (await scanTable(table))
        .filter((item) => item.type === 'delivery' && item.closeKey === 'lead_abc123')
        .flatMap((item) => (item.history as Item[]).map((entry) => `${entry.kind}:${item.destination}`));

      expect(kinds.slice(0, 2)).toEqual(['capture:', 'close:']);
      expect(kinds.slice(2).sort()).toEqual(histories.sort());
      expect(kinds).toContain('processing:google-ads');
      expect(await text('#destination-google-ads')).toContain('processing result: SUCCESS');
      expect(await text('#destination-meta .payload')).toMatch(/sha256:[0-9a-f]{12}…/);
    });

    it('shows how far each CRM has been polled', async () => {
      await open('/crm', 'crm');
      const checkpoint = (await scanTable(table)).find((item) => item.pk === 'CHECKPOINT#salesforce');
      expect(checkpoint).toBeDefined();
      const until = new Date(Number(checkpoint?.until))
        .toISOString()
        .replace(/:\d{2}\.\d{3}Z$/, 'Z')
        .replace('T', ' ');
      expect(await text('#checkpoints')).toContain(`salesforce\t${until}`);
    });

    it('replays a delivery from its button and shows the new attempt', async () => {
      const attempts = async () =>
        Number(
          (await scanTable(table)).find((item) => item.pk === 'DELIVERY#lead_abc123#meta')?.attempts ??
            Number.NaN,
        );
      const before = await attempts();
      await page.goto(`${dashboard.url}/subjects/lead_abc123`);
      const uploads = await page.locator('#timeline li[data-kind="upload"][data-destination="meta"]').count();

      await page.click('#destination-meta form.replay button');

      expect(await text('#notice')).toContain('meta: sent');
      expect(await attempts()).toBe(before + 1);
      expect(await page.locator('#timeline li[data-kind="upload"][data-destination="meta"]').count()).toBe(
        uploads + 1,
      );
    });

    it('shows no plaintext email, phone, name or IP address, and no whole hash, on any page', () => {
      const identifiers = seededIdentifiers();
      expect(identifiers).toContain('203.0.113.10');
      expect(Object.keys(html).sort()).toEqual(['crm', 'overview', 'subjects', 'timeline']);
      for (const [name, content] of Object.entries(html)) {
        const lower = content.toLowerCase();
        for (const value of identifiers)
          expect(lower, `${value} on the ${name} page`).not.toContain(value.toLowerCase());
        expect(content, `a whole SHA-256 on the ${name} page`).not.toMatch(/[0-9a-f]{64}/);
      }
      for (const name of Object.keys(html)) {
        expect(
          readFileSync(join(SHOTS, `dashboard-${name}.png`))
            .subarray(1, 4)
            .toString(),
        ).toBe('PNG');
      }
    });
  },
);
