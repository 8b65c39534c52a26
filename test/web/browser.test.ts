/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core) against the whole product on
 * 127.0.0.1: sign in, watch a quantity change live after a stock event posted through the API, preview and
 * save a rule, open a conflict, and check a retailer cannot see another retailer. Screenshots of every page go
 * to test-artifacts/ for a human to look at. Skips, saying why, when Chromium is not installed.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { REPO_ROOT } from '../../src/web/server/static.ts';
import { startWooEmulator, type WooEmulator } from '../../src/emulators/woocommerce/index.ts';
import { startStack, type Stack } from './stack.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');
const skip = existsSync(CHROMIUM) ? false : `Chromium not found at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`;
/** Generous bound for UI waits; the assertions are about what appears, not how fast. */
const WAIT = 15_000;

describe('dashboard in Chromium', { skip, timeout: 180_000 }, () => {
  let stack: Stack;
  let browser: Browser;
  let admin: BrowserContext;
  let page: Page;
  let woo: WooEmulator;

  const shot = (p: Page, name: string) => p.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

  async function signInAs(context: BrowserContext, key: string): Promise<Page> {
    const p = await context.newPage();
    await p.goto(stack.base + '/');
    await p.getByLabel('Key or token').fill(key);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('heading', { name: 'Overview' }).waitFor({ timeout: WAIT });
    return p;
  }

  before(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    stack = await startStack();
    // A retailer's WooCommerce shop: TEE-M sold as is, TEE-L spelt differently, MUG on two products.
    woo = await startWooEmulator({ skus: 0 });
    woo.control.addProduct({ sku: 'TEE-M', name: 'Tee M', stockQuantity: 7 });
    woo.control.addProduct({ sku: 'tee-l ', name: 'Tee L', stockQuantity: 7 });
    woo.control.addProduct({ sku: 'MUG', name: 'Mug', stockQuantity: 1 });
    woo.control.addProduct({ sku: 'MUG', name: 'Mug (copy)', stockQuantity: 1 });
    // A conflict: Alpha takes both mugs that can be shown, then Beta's order finds none left.
    await stack.call('POST', '/v1/orders', { storeId: stack.stores.alpha, platformOrderId: 'A-1001', name: '#1001', email: 'ann@example.com', lines: [{ sku: 'MUG', quantity: 3 }] });
    await stack.call('POST', '/v1/orders', { storeId: stack.stores.beta, platformOrderId: 'B-2001', name: '#2001', email: 'bob@example.com', lines: [{ sku: 'MUG', quantity: 1 }] });
    await stack.engine.dispatchOnce();
    // Lag history of the last 50 minutes, so the overview chart has something to draw in the screenshot.
    await stack.db.query(
      `insert into push_lag_minute (store_id, minute, bucket, n)
       select id, m, ceil(ln(lag) / ln(1.05))::int, count(*) from (
         select s.id, date_trunc('minute', now() - make_interval(secs => g * 30)) as m, (case when s.name like 'Alpha%' then 350 else 900 end) + (g * 37) % 400 as lag
           from stores s, generate_series(10, 100) g) x
       group by 1, 2, 3`);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    admin = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  });

  after(async () => {
    await browser?.close();
    await stack?.close();
    await woo?.close();
  });

  it('signs in with an admin key; the key is not kept in the page', async () => {
    page = await signInAs(admin, stack.adminKey);
    await page.getByText('Alpha Shop').first().waitFor({ timeout: WAIT });
    await page.getByText('● live').waitFor({ timeout: WAIT });
    const cookies = await admin.cookies();
    const session = cookies.find((c) => c.name === 'dropsync_session')!;
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Strict');
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie);
    assert.ok(!stored.includes(stack.adminKey));
    await shot(page, 'overview');
  });

  it("shows a store's quantity change live after a stock event posted through the API", async () => {
    await page.getByRole('link', { name: 'SKUs', exact: true }).click();
    const chip = page.locator(`tr[data-sku="TEE-M"] li[data-store="${stack.stores.alpha}"]`);
    await chip.waitFor({ timeout: WAIT });
    assert.match((await chip.textContent()) ?? '', /Alpha Shop: 200 \/ 200/);
    // Marks this document: a reload would lose it.
    await page.evaluate(() => { (window as unknown as { marker: number }).marker = 42; });
    await stack.call('POST', '/v1/stock-events', { events: [{ id: 'live-1', sku: 'TEE-M', location: 'main', kind: 'set', quantity: 330, occurredAt: new Date().toISOString(), source: 'wms' }] });
    // 330 - reserve 200 = pool 130: Alpha's floor 80 + shared 0 (floors 130 use it all) = 80.
    await page.waitForFunction((sel) => /Alpha Shop: 80 \//.test(document.querySelector(sel)?.textContent ?? ''),
      `tr[data-sku="TEE-M"] li[data-store="${stack.stores.alpha}"]`, { timeout: WAIT });
    assert.equal(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 42);
    await page.waitForFunction((sel) => /Alpha Shop: 80 \/ 80/.test(document.querySelector(sel)?.textContent ?? ''),
      `tr[data-sku="TEE-M"] li[data-store="${stack.stores.alpha}"]`, { timeout: WAIT });
    await shot(page, 'skus');
  });

  it('opens a SKU page with its quantities, buffer advice and ledger', async () => {
    await page.getByRole('link', { name: 'TEE-M' }).click();
    await page.getByRole('heading', { name: 'SKU TEE-M' }).waitFor({ timeout: WAIT });
    await page.getByRole('heading', { name: 'Ledger' }).waitFor();
    assert.equal(await page.locator('td[data-q="= pool"]').textContent(), '130');
    assert.ok((await page.locator('table.dense tbody tr').count()) >= 2);
    await page.locator('canvas').first().waitFor();
    await shot(page, 'sku-detail');
    await page.getByRole('link', { name: "Edit this SKU's rules" }).click();
    await page.getByLabel('SKU', { exact: true }).waitFor({ timeout: WAIT });
    assert.equal(await page.getByLabel('SKU', { exact: true }).inputValue(), 'TEE-M');
  });

  it('edits a rule, previews the allocation, then saves it', async () => {
    await page.getByRole('link', { name: 'Rules' }).click();
    await page.getByLabel('Strategy').waitFor({ timeout: WAIT });
    await page.getByLabel('Strategy').selectOption('equal');
    await page.getByRole('button', { name: 'Preview allocation' }).click();
    const cell = page.locator(`section.preview tr[data-sku="TEE-M"] td[data-col="pool"]`);
    await cell.waitFor({ timeout: WAIT });
    // equal over pool 130: 65 each, capped by ceilings 200/150: Alpha goes 80 -> 65.
    const alphaId = (await stack.call<{ id: string; name: string }[]>('GET', '/v1/retailers')).find((r) => r.name === 'Alpha Outfitters')!.id;
    const alphaCell = page.locator(`section.preview tr[data-sku="TEE-M"] td[data-retailer="${alphaId}"]`);
    assert.match((await alphaCell.textContent()) ?? '', /80 → 65/);
    await shot(page, 'rules-preview');
    await page.getByRole('button', { name: 'Save rules' }).click();
    await page.getByText('Saved.').waitFor({ timeout: WAIT });
    const rules = await stack.call<{ scope: string; strategy: string | null }[]>('GET', '/v1/rules');
    assert.equal(rules.find((r) => r.scope === 'global')!.strategy, 'equal');
  });

  it('opens a conflict with its orders, what was done and its cost', async () => {
    await page.getByRole('link', { name: 'Conflicts' }).click();
    await page.getByRole('link', { name: '#2001' }).click();
    await page.getByRole('heading', { name: /Conflict on MUG/ }).waitFor({ timeout: WAIT });
    await page.getByText('lost the race').waitFor();
    assert.ok(await page.getByText('#1001').first().isVisible());
    await shot(page, 'conflict');
  });

  it('connects a WooCommerce store: exact SKUs mapped and pushed, mismatches and duplicates reported', async () => {
    await page.getByRole('link', { name: 'Retailers & stores' }).click();
    const form = page.locator('form.connect');
    await form.waitFor({ timeout: WAIT });
    await form.getByLabel('Platform').selectOption('woocommerce');
    await form.getByLabel('New retailer name').fill('Gamma Goods');
    await form.getByLabel('Store name').fill('Gamma Woo');
    await form.getByLabel('Store URL').fill(woo.url);
    await form.getByLabel('Consumer key').fill(woo.consumerKey);
    await form.getByLabel('Consumer secret').fill(woo.consumerSecret);
    await form.getByRole('button', { name: 'Connect store' }).click();
    await form.getByText(/1 SKU found, 1 listing created/).waitFor({ timeout: WAIT });
    const kinds = await form.locator('tr[data-problem]').evaluateAll((rows) => rows.map((r) => `${r.querySelector('th')?.textContent}:${r.getAttribute('data-problem')}`).sort());
    assert.deepEqual(kinds, ['MUG:duplicate', 'TEE-L:case_mismatch']);
    await page.getByText('Gamma Woo').first().waitFor({ timeout: WAIT });
    await form.screenshot({ path: join(ARTIFACTS, 'connect-store.png') });
    // The engine pushes the new listing: the shop shows the allocation instead of its own 7.
    const gammaShown = async () => (await stack.db.query<{ desired: number; confirmed: number | null }>(
      `select d.desired, d.confirmed from desired d join stores s on s.id = d.store_id where s.name = 'Gamma Woo' and d.sku = 'TEE-M'`))[0];
    // The background dispatcher may hold the store's lease; wait for the push to be confirmed either way.
    for (let i = 0; i < 100 && (await gammaShown())?.confirmed == null; i++) {
      await stack.engine.dispatchOnce();
      await new Promise((r) => setTimeout(r, 50));
    }
    const shown = await gammaShown();
    assert.ok(shown && shown.confirmed === shown.desired, JSON.stringify(shown));
    assert.equal(woo.control.stock().find((s) => s.sku === 'TEE-M')?.stockQuantity, shown.desired);
  });

  it('lists retailers and stores with mapping state and pause controls', async () => {
    await page.getByRole('link', { name: 'Retailers & stores' }).click();
    await page.getByRole('heading', { name: 'Connect a store' }).waitFor({ timeout: WAIT });
    const row = page.locator(`tr[data-store="${stack.stores.beta}"]`);
    await row.getByRole('button', { name: 'Pause' }).click();
    await row.getByText('paused').waitFor({ timeout: WAIT });
    await row.getByRole('button', { name: 'Resume' }).click();
    await row.getByRole('button', { name: 'Pause' }).waitFor({ timeout: WAIT });
    await shot(page, 'stores');
  });

  it('a retailer token sees only its own stores and allocations, never another retailer', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const p = await signInAs(context, stack.tokens.alpha);
      await p.getByText('Alpha Shop').first().waitFor({ timeout: WAIT });
      assert.equal(await p.getByText('Beta Store').count(), 0);
      await p.getByRole('link', { name: 'My allocations' }).click();
      await p.locator('tr[data-sku="TEE-M"]').waitFor({ timeout: WAIT });
      const stores = await p.locator('tbody tr').evaluateAll((rows) => [...new Set(rows.map((r) => r.getAttribute('data-store')))]);
      assert.deepEqual(stores, [stack.stores.alpha]);
      await shot(p, 'retailer-allocations');
      // The supplier's pages and another retailer's data are refused, even when asked for directly.
      const betaId = (await stack.call<{ id: string; name: string }[]>('GET', '/v1/retailers')).find((r) => r.name === 'Beta Boutique')!.id;
      // A string, so the test runner's transform cannot add helpers the page does not have.
      const answers = await p.evaluate(`(async () => ({
        skus: (await fetch('/web/api/skus')).status,
        rules: (await fetch('/web/api/rules')).status,
        v1beta: (await fetch('/web/api/v1/retailers/${betaId}/allocations')).status,
        conflicts: (await (await fetch('/web/api/conflicts')).json()).conflicts.length,
      }))()`);
      assert.deepEqual(answers, { skus: 403, rules: 403, v1beta: 404, conflicts: 0 });
      await p.goto(stack.base + '/skus');
      await p.getByRole('heading', { name: 'Not found' }).waitFor({ timeout: WAIT });
    } finally {
      await context.close();
    }
  });

  it('works from the keyboard: skip link first, visible focus, Enter follows a nav link', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const p = await signInAs(context, stack.adminKey);
      await p.keyboard.press('Tab');
      assert.equal(await p.evaluate(() => document.activeElement?.textContent), 'Skip to content');
      await p.keyboard.press('Tab');
      await p.keyboard.press('Tab');
      assert.equal(await p.evaluate(() => document.activeElement?.textContent), 'SKUs');
      const outline = await p.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
      assert.notEqual(outline, 'none');
      await p.keyboard.press('Enter');
      await p.getByRole('heading', { name: 'SKUs' }).waitFor({ timeout: WAIT });
    } finally {
      await context.close();
    }
  });

  it('fits a phone screen', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
    try {
      const p = await signInAs(context, stack.adminKey);
      await p.getByText('Alpha Shop').first().waitFor({ timeout: WAIT });
      const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `page is ${overflow}px wider than the screen`);
      await shot(p, 'overview-phone');
    } finally {
      await context.close();
    }
  });
});
