/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The dashboard in a real browser (Debian's Chromium, driven by playwright-core) against the real `contentstats
// serve` process with a 2-second snapshot interval: a person signs in with a test key, tracks videos, watches
// snapshots arrive, reads the chart, pauses, resumes and stops, downloads the CSV. Checks what is on the screen,
// saves screenshots (desktop and phone width) under test-output/, and measures the first load, a list of 500
// videos and a chart of 720 snapshots (printed; recorded in docs/benchmarks.md).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../../src/accounts/accounts.ts';
import { changeAccount } from '../../src/tracking/change-account.ts';
import { expectInvariants } from '../support/invariants.ts';
import { CONTENTSTATS_BIN, childEnv, freePort } from '../support/processes.ts';
import { createTestStore, DIALECTS, type TestStore } from '../support/stores.ts';
import { seedCompletedVideos } from './seed-videos.ts';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
const OUTPUT = join(import.meta.dirname, '../../test-output');
const HOSTILE_TITLE =
  '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"><b>Bold</b> & "quoted"';
const HOUR_MS = 3_600_000;

async function startServer(
  store: TestStore,
): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [CONTENTSTATS_BIN, 'serve'], {
    env: childEnv(store, {
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      SNAPSHOT_INTERVAL_SECONDS: '2',
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      // The test's webhook receiver listens on plain HTTP on this machine.
      WEBHOOK_ALLOW_HTTP: 'true',
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`serve exited with ${child.exitCode}:\n${output}`);
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`serve did not become ready:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, child, output: () => output };
}

/** Signs in the way a person does: the key typed into the form. */
async function signIn(page: Page, url: string, key: string): Promise<void> {
  await page.goto(`${url}/`);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect.poll(() => page.getByRole('heading', { name: 'Videos', level: 1 }).isVisible()).toBe(true);
}

function statusText(page: Page): Promise<string> {
  return page.locator('.video-head .badge').first().innerText();
}

describe.each(DIALECTS)('the dashboard in Chromium (%s)', (dialect) => {
  let store: TestStore;
  let server: Awaited<ReturnType<typeof startServer>>;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  let testKey: string;
  const accountIds: string[] = [];
  let benchKey: string;
  let hostileId: string;
  let longId: string;
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    mkdirSync(OUTPUT, { recursive: true });
    store = await createTestStore(dialect);
    const now = Date.now();
    const person = await createAccount(store, {
      email: 'person@example.com',
      plan: 'pro',
      creditMicroUsd: 10_000_000,
      now,
    });
    const bench = await createAccount(store, { email: 'bench@example.com', plan: 'enterprise', now });
    if (!person.ok || !bench.ok) throw new Error('accounts');
    accountIds.push(person.value.account.id, bench.value.account.id);
    testKey = person.value.testKey.key;
    benchKey = bench.value.testKey.key;
    // The list fetches a sparkline per visible row: the benchmark's account is not held to a plan's rate.
    await changeAccount(store, bench.value.account.id, { rate_limit_per_minute: 100_000 }, now);
    [hostileId = ''] = await seedCompletedVideos(store, person.value.account.id, [
      {
        n: 1,
        title: HOSTILE_TITLE,
        creator: '<i>creator</i>',
        slots: 30,
        missedEvery: 7,
        approximateEvery: 5,
        startedAt: now - 40 * HOUR_MS,
      },
    ]);
    const listed = Array.from({ length: 500 }, (_, i) => ({
      n: 100 + i,
      title: `Seeded video ${i}`,
      slots: 3,
      startedAt: now - 10 * HOUR_MS - i * 1000,
    }));
    [longId = ''] = await seedCompletedVideos(store, bench.value.account.id, [
      {
        n: 2,
        title: 'Thirty days',
        slots: 720,
        missedEvery: 97,
        approximateEvery: 61,
        startedAt: now - 740 * HOUR_MS,
      },
    ]);
    await seedCompletedVideos(store, bench.value.account.id, listed);
    server = await startServer(store);
    profile = mkdtempSync(join(tmpdir(), 'contentstats-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(message.text());
    });
    page.on('pageerror', (error) => pageErrors.push(String(error)));
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    server?.child.kill('SIGTERM');
    if (server) await new Promise((resolve) => server.child.once('close', resolve));
    for (const id of accountIds) await expectInvariants(store, id);
    await store?.destroy();
  }, 60_000);

  it('serves the page with its security headers and no inline script', async () => {
    const response = await page.goto(`${server.url}/`);
    const headers = response!.headers();
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['content-security-policy']).toContain("script-src 'self'");
    expect(headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['x-content-type-options']).toBe('nosniff');
    const html = await response!.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(html).not.toMatch(/\sstyle=/);
  });

  it('refuses a wrong key and signs in with a test key, showing the test banner', async () => {
    await page.goto(`${server.url}/`);
    await page.getByLabel('API key').fill('cs_test_notARealKey0000000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').innerText()).toContain('not valid');
    await signIn(page, server.url, testKey);
    await expect.poll(() => page.locator('#test-banner').innerText()).toContain('Test key');
    // The key is in this tab's session storage only, never in the address.
    expect(page.url()).not.toContain(testKey);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    expect(await page.evaluate(() => document.cookie)).toBe('');
  });

  it('shows a title holding <script> and HTML as text, never as markup', async () => {
    await page.goto(`${server.url}/#/videos`);
    const link = page.locator('a.video-title').filter({ hasText: '<script>' });
    await expect.poll(() => link.count()).toBe(1);
    expect(await link.innerText()).toBe(HOSTILE_TITLE);
    await link.click();
    const heading = page.locator('h1.video-title');
    await expect.poll(() => heading.textContent()).toBe(HOSTILE_TITLE);
    expect(await heading.locator('script, img, b').count()).toBe(0);
    expect(await page.locator('main img, main script').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('.video-head').innerText()).toContain('<i>creator</i>');
  });

  it('draws missed slots as gaps and marks approximate values', async () => {
    await page.goto(`${server.url}/#/videos/${hostileId}`);
    await expect.poll(() => page.locator('.chart canvas').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const summary = page.locator('.chart-summary');
    // Slots 7, 14, 21 and 28 of 30 were missed: 26 readings and 4 gaps, never a zero.
    await expect.poll(() => summary.innerText()).toContain('26 snapshots');
    expect(await summary.innerText()).toContain('4 missed slots shown as gaps');
    expect(await summary.innerText()).toContain('approximate');
    expect(await page.locator('tr.missed').count()).toBe(4);
    expect(await page.locator('tr.missed').first().innerText()).toContain(
      'Missed: not collected, not charged',
    );
    expect(await page.locator('table.snapshots .approx').count()).toBeGreaterThan(0);
    expect(await page.locator('table.snapshots .approx').first().innerText()).toMatch(/^≈\d/);
    // Log scale and growth per interval redraw the chart and say so.
    await page.getByText('Log', { exact: true }).click();
    await expect.poll(() => summary.innerText()).toContain('log scale');
    await page.getByText('Growth per interval', { exact: true }).click();
    await expect.poll(() => summary.innerText()).toContain('growth per interval');
    await page.screenshot({ path: join(OUTPUT, `${dialect}-video-desktop.png`), fullPage: true });
  });

  it('makes a share link that opens without a key: the tables and the read-only chart', async () => {
    await page.goto(`${server.url}/#/videos/${hostileId}`);
    await page.getByRole('button', { name: 'Share link' }).click();
    const shown = page.getByLabel('Share link (anyone with it can view, read-only)');
    await expect.poll(() => shown.inputValue()).toMatch(/\/s\/\S+$/);
    const url = await shown.inputValue();
    expect(url.startsWith(`${server.url}/s/`)).toBe(true);

    // A new tab: its session storage is empty, so the page is opened with no key, as anyone would.
    const shared = await context.newPage();
    shared.on('pageerror', (error) => pageErrors.push(`share page: ${error}`));
    shared.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(message.text());
    });
    await shared.goto(url);
    expect(await shared.locator('h1').textContent()).toBe(HOSTILE_TITLE);
    expect(await shared.evaluate(() => sessionStorage.length)).toBe(0);
    await expect
      .poll(() => shared.locator('.share-chart canvas').count(), { timeout: 10_000 })
      .toBeGreaterThan(0);
    expect(await shared.locator('.chart-summary').innerText()).toContain('4 missed slots shown as gaps');
    expect(await shared.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await shared.screenshot({ path: join(OUTPUT, `${dialect}-share-desktop.png`), fullPage: true });
    await shared.close();
  });

  it('tracks one link, then a pasted list, and tells each link’s outcome', async () => {
    await page.goto(`${server.url}/#/track`);
    const links = page.getByLabel('Links');
    await links.fill('https://www.tiktok.com/@demo/video/7301234567890123456');
    await page.getByLabel('Days').fill('1');
    await expect.poll(() => page.locator('.estimate').innerText()).toContain('free with a test key');
    await page.getByRole('button', { name: 'Track', exact: true }).click();
    await expect
      .poll(() => page.locator('.results h2').innerText(), { timeout: 15_000 })
      .toBe('1 of 1 tracked');

    await links.fill(
      [
        'https://www.youtube.com/watch?v=dQw4w9WgXcQ',
        'https://www.instagram.com/reel/Cabcdefghij/',
        'https://x.com/someone/status/1712345678901234567',
        'https://example.com/not-a-video',
        'https://www.tiktok.com/@demo/video/7300000000000004030',
      ].join('\n'),
    );
    await page.getByLabel('Tags').fill('Spring Launch');
    await expect.poll(() => page.locator('.estimate').innerText()).toContain('5 links');
    const batches: number[] = [];
    const onResponse = (response: { url(): string; status(): number }) => {
      if (response.url().endsWith('/api/v1/videos/track/batch')) batches.push(response.status());
    };
    page.on('response', onResponse);
    await page.getByRole('button', { name: 'Track', exact: true }).click();
    await expect
      .poll(() => page.locator('.results h2').innerText(), { timeout: 20_000 })
      .toBe('3 of 5 tracked');
    page.off('response', onResponse);
    // One batch: refused whole for its malformed link (400), then sent again without it.
    expect(batches).toEqual([400, 200]);
    const outcomes = await page.locator('table.outcomes tbody tr').allInnerTexts();
    expect(outcomes[0]).toContain('Created');
    expect(outcomes[1]).toContain('Created');
    expect(outcomes[2]).toContain('Created');
    expect(outcomes[3]).toContain('Not a supported link');
    expect(outcomes[4]).toContain('Not found or private');
  });

  it('shows snapshots arriving, then pauses, resumes and stops with what each moves', async () => {
    await page.goto(`${server.url}/#/videos`);
    await page
      .locator('a.video-title')
      .filter({ hasText: /Simulated|demo|TikTok|video/i })
      .first()
      .waitFor();
    // The newest tracked video is at the top.
    await page.locator('table.videos tbody tr').first().locator('a.video-title').click();
    const facts = page.locator('dl.facts');
    const collected = async () => Number(/(\d+) collected/.exec(await facts.innerText())?.[1] ?? 0);
    // Slot 0 at track time, then one every 2 seconds, reloaded by the page itself.
    await expect.poll(collected, { timeout: 15_000, interval: 500 }).toBeGreaterThanOrEqual(3);
    await expect.poll(() => page.locator('.chart canvas').count()).toBeGreaterThan(0);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.screenshot({ path: join(OUTPUT, `${dialect}-live-video-desktop.png`), fullPage: true });

    await page.getByRole('button', { name: 'Pause' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.innerText()).toContain('Test key: no money moves.');
    await dialog.getByRole('button', { name: 'Pause tracking' }).click();
    await expect.poll(() => statusText(page)).toBe('Paused');

    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Resume tracking' }).click();
    await expect.poll(() => statusText(page)).toBe('Monitoring');

    // Keyboard: the Stop button is reached and pressed without a mouse, and Escape cancels the dialog.
    await page.getByRole('button', { name: 'Stop' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('dialog').isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    expect(await statusText(page)).toBe('Monitoring');

    await page.getByRole('button', { name: 'Stop' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Stop tracking' }).click();
    await expect.poll(() => statusText(page)).toBe('Completed');
    expect(await page.getByRole('button', { name: 'Pause' }).count()).toBe(0);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^vid_\w+-snapshots\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8')
      .trim()
      .split('\n');
    expect(csv[0]).toMatch(/^snapshot_id,snapshot_time,slot,views,likes/);
    expect(csv.length - 1).toBeGreaterThanOrEqual(3);
  });

  it('edits a video’s tags and opens the campaign page with its roll-up, chart and videos', async () => {
    await page.goto(`${server.url}/#/videos?tag=${encodeURIComponent('Spring Launch')}`);
    const rows = page.locator('table.videos tbody tr');
    await expect.poll(() => rows.count()).toBe(3);
    // The video tracked alone joins the campaign from its own page.
    await page.goto(`${server.url}/#/videos`);
    await page.locator('a.video-title').filter({ hasText: '7301234567890123456' }).click();
    await page.getByLabel('Tags', { exact: true }).fill('Spring Launch, solo');
    await page.getByRole('button', { name: 'Save tags' }).click();
    await expect
      .poll(() => page.locator('.video-head a.tag').allInnerTexts())
      .toEqual(['Spring Launch', 'solo']);

    await page.locator('.video-head a.tag').filter({ hasText: 'Spring Launch' }).click();
    await expect.poll(() => page.locator('h1.campaign-title').innerText()).toBe('Campaign “Spring Launch”');
    const totals = page.locator('.totals');
    await expect.poll(() => totals.innerText()).toMatch(/Videos\s+4/);
    expect(await totals.innerText()).toMatch(/Views\s+[\d,]+/);
    expect(await totals.innerText()).toContain('24 h +');
    expect(await page.locator('.breakdowns').innerText()).toContain('TikTok');
    expect(await page.locator('.breakdowns').innerText()).toContain('YouTube');
    await expect
      .poll(() => page.locator('main').getAttribute('data-campaign-chart'), { timeout: 10_000 })
      .not.toBeNull();
    expect(await page.locator('#campaign-chart-summary').innerText()).toContain('over 4 videos');
    await expect.poll(() => page.locator('table.videos tbody tr').count()).toBe(4);
    await page.screenshot({ path: join(OUTPUT, `${dialect}-campaign-desktop.png`), fullPage: true });

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    const csv = readFileSync((await download.path())!, 'utf8')
      .trim()
      .split('\n');
    expect(csv[0]).toMatch(/^video_id,/);
    // Only the campaign's four videos, each with its snapshots.
    expect(new Set(csv.slice(1).map((line) => line.split(',')[0])).size).toBe(4);
    const [xlsx] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download XLSX' }).click(),
    ]);
    expect(xlsx.suggestedFilename()).toMatch(/\.xlsx$/);
    // An XLSX file is a ZIP archive.
    expect(
      readFileSync((await xlsx.path())!)
        .subarray(0, 2)
        .toString('latin1'),
    ).toBe('PK');

    await page.goto(`${server.url}/#/campaigns`);
    await expect.poll(() => page.locator('table.campaigns').innerText()).toContain('Spring Launch');
  });

  it('shows the account: usage and keys, a new key shown once', async () => {
    await page.goto(`${server.url}/#/account`);
    await expect.poll(() => page.locator('dl.usage').innerText()).toContain('Snapshots collected');
    expect(await page.locator('dl.usage').innerText()).toContain('free with a test key');
    await page.getByLabel('Name', { exact: true }).fill('from the dashboard');
    await page.getByRole('button', { name: 'Create key' }).click();
    const shown = page.getByLabel('New key (shown only this once: store it now)');
    await expect.poll(() => shown.inputValue()).toMatch(/^cs_test_/);
    await expect.poll(() => page.locator('table.keys').innerText()).toContain('from the dashboard');
  });

  it('adds a webhook on the account page, sends a test and shows its delivery (where the API has webhooks)', {
    timeout: 60_000,
  }, async () => {
    const probe = await fetch(`${server.url}/api/v1/webhooks`, { headers: { 'x-api-key': testKey } });
    await page.goto(`${server.url}/#/account`);
    await page.locator('dl.usage').waitFor();
    if (probe.status === 404) {
      // A service without webhooks: the section is not shown at all.
      await expect.poll(() => page.getByRole('heading', { name: 'Webhooks' }).count()).toBe(0);
      return;
    }
    const received: string[] = [];
    const receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        received.push(body);
        response.writeHead(204).end();
      });
    });
    // Every address (IPv4 and IPv6): the endpoint is named by host (the API refuses IP literals) as localhost.
    await new Promise<void>((resolve) => receiver.listen(0, resolve));
    try {
      const { port } = receiver.address() as AddressInfo;
      await page.getByLabel('Endpoint URL').fill(`http://localhost:${port}/hooks`);
      await page.getByLabel('Description').fill('<b>ops</b> channel');
      await page.getByRole('button', { name: 'Add webhook' }).click();
      const secret = page.getByLabel('Signing secret (shown only this once: store it now)');
      await expect.poll(() => secret.inputValue()).toMatch(/^whsec_/);
      const card = page.locator('.webhook').first();
      expect(await card.innerText()).toContain('<b>ops</b> channel');
      await card.getByRole('button', { name: 'Send a test' }).click();
      await expect
        .poll(() => received.some((body) => body.includes('webhook.test')), { timeout: 15_000 })
        .toBe(true);
      await expect
        .poll(
          async () => {
            await card.getByRole('button', { name: 'Deliveries' }).click();
            return card.locator('.deliveries').innerText();
          },
          { timeout: 15_000 },
        )
        .toContain('webhook.test');
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  });

  it('works at phone width without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}/#/videos`);
    await page.locator('table.videos tbody tr').first().waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(OUTPUT, `${dialect}-videos-phone.png`), fullPage: true });
    await page.goto(`${server.url}/#/videos/${hostileId}`);
    await expect.poll(() => page.locator('.chart canvas').count()).toBeGreaterThan(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(OUTPUT, `${dialect}-video-phone.png`), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${server.url}/#/videos`);
    await page.locator('table.videos tbody tr').first().waitFor();
    await page.screenshot({ path: join(OUTPUT, `${dialect}-videos-desktop.png`), fullPage: true });
  });

  it('signs out, forgetting the key', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => page.getByLabel('API key').isVisible()).toBe(true);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await page.reload();
    await expect.poll(() => page.getByLabel('API key').isVisible()).toBe(true);
  });

  it('measures the first load, a list of 500 videos and a chart of 720 snapshots', async () => {
    const fresh = await context.newPage();
    const cdp = await context.newCDPSession(fresh);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    const transfers = new Map<string, { url: string; bytes: number }>();
    const urls = new Map<string, string>();
    cdp.on('Network.requestWillBeSent', (event) => urls.set(event.requestId, event.request.url));
    cdp.on('Network.loadingFinished', (event) => {
      transfers.set(event.requestId, {
        url: urls.get(event.requestId) ?? '',
        bytes: event.encodedDataLength,
      });
    });
    await fresh.goto(`${server.url}/`);
    await fresh.evaluate((key) => sessionStorage.setItem('contentstats.apiKey', key), benchKey);
    transfers.clear();

    // First load of the list: the page, its files and the first page of 100 videos, with the sparklines in view.
    const firstLoadStart = Date.now();
    await fresh.reload();
    await fresh.waitForFunction(() => Number(document.getElementById('main')?.dataset.rows ?? 0) >= 100);
    const firstLoadMs = Date.now() - firstLoadStart;
    await fresh.waitForLoadState('networkidle');
    const all = [...transfers.values()];
    const bytes = (filter: (url: string) => boolean) =>
      all.filter((t) => filter(t.url)).reduce((sum, t) => sum + t.bytes, 0);
    const assetBytes = bytes((url) => !url.includes('/api/v1/'));
    const listBytes = bytes((url) => /\/api\/v1\/videos\?/.test(url));
    const sparkBytes = bytes((url) => url.includes('/snapshots?'));
    const totalBytes = bytes(() => true);
    expect(assetBytes).toBeLessThan(200 * 1024);
    expect(totalBytes).toBeLessThan(200 * 1024);

    // 500 videos: "Show more" pressed as soon as it is there, timed in the page from the navigation.
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: false });
    await fresh.goto(`${server.url}/#/account`);
    await fresh.locator('dl.usage').waitFor();
    const listMs = await fresh.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const start = performance.now();
          const main = document.getElementById('main')!;
          const observer = new MutationObserver(() => {
            if (Number(main.dataset.rows ?? 0) >= 500) {
              observer.disconnect();
              resolve(performance.now() - start);
              return;
            }
            const more = [...main.querySelectorAll('button')].find((b) => b.textContent === 'Show more');
            if (more && !more.hidden && !more.disabled) more.click();
          });
          observer.observe(main, { subtree: true, childList: true, attributes: true });
          location.hash = '#/videos';
        }),
    );
    expect(await fresh.locator('table.videos tbody tr').count()).toBeGreaterThanOrEqual(500);

    // A chart of 720 hourly snapshots (7 missed, 12 approximate), from the click to the drawn canvas.
    const chartMs = await fresh.evaluate(
      (id) =>
        new Promise<number>((resolve) => {
          const start = performance.now();
          const observer = new MutationObserver(() => {
            const chart = document.querySelector('.chart canvas');
            const points = document.querySelector<HTMLElement>('[data-chart-points]')?.dataset.chartPoints;
            if (chart && points) {
              observer.disconnect();
              resolve(performance.now() - start);
            }
          });
          observer.observe(document.getElementById('main')!, {
            subtree: true,
            childList: true,
            attributes: true,
          });
          location.hash = `#/videos/${id}`;
        }),
      longId,
    );
    const summary = await fresh.locator('.chart-summary').innerText();
    expect(summary).toContain('713 snapshots');
    expect(summary).toContain('7 missed slots shown as gaps');
    await fresh.screenshot({ path: join(OUTPUT, `${dialect}-chart-720-desktop.png`), fullPage: false });
    await fresh.close();

    const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
    console.log(
      [
        `dashboard figures (${dialect}):`,
        `  first load of the list: ${kb(totalBytes)} transferred (page and files ${kb(assetBytes)}, list JSON ${kb(listBytes)}, sparklines ${kb(sparkBytes)}), ${firstLoadMs} ms to 100 rows`,
        `  list of 500 videos rendered in ${listMs.toFixed(0)} ms (5 pages of 100)`,
        `  chart of 720 snapshots rendered in ${chartMs.toFixed(0)} ms`,
      ].join('\n'),
    );
  }, 90_000);

  it('met no Content-Security-Policy violation and no script error on any page', () => {
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
