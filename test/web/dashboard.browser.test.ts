/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The dashboard in a real browser (Debian's Chromium, driven by playwright-core) against the real `contentstats
// serve` process with a 2-second snapshot interval: a person signs in with a test key, tracks videos, watches
// the list and a video's page refresh themselves as snapshots arrive, reads the chart, pauses, resumes and stops,
// downloads the CSV and XLSX, opens the campaign page; with a live key, sees the money each change would move.
// Checks what is on the screen (labels, contrast, keyboard, phone width too), saves screenshots (desktop and
// phone width) under test-output/, and measures the first load, a list of 500 videos and a chart of 720
// snapshots (printed; recorded in docs/benchmarks.md).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
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
const HOSTILE_TAG = '<b>bold</b> tag';
const HOSTILE_METADATA = { '<i>key</i>': '<img src=x onerror="window.__pwned = 3">' };
const HOUR_MS = 3_600_000;

/**
 * What the page shows that a person could not read or reach: text below WCAG AA contrast on what is drawn behind
 * it (4.5:1, 3:1 for large text; disabled controls aside), and form controls and buttons without a name. A
 * string, so the test's compiler adds nothing to it before the browser runs it.
 */
const AUDIT_PAGE = `(() => {
  const parse = (css) => {
    const m = /rgba?\\(([^)]+)\\)/.exec(css);
    if (!m) return null;
    const p = m[1].split(/[\\s,/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const over = (top, under) => ({
    r: top.r * top.a + under.r * (1 - top.a),
    g: top.g * top.a + under.g * (1 - top.a),
    b: top.b * top.a + under.b * (1 - top.a),
    a: 1,
  });
  const channel = (v) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  const luminance = (c) => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  const backdrop = (element) => {
    const layers = [];
    for (let e = element; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) {
        layers.push(c);
        if (c.a >= 1) break;
      }
    }
    return layers.reverse().reduce((under, layer) => over(layer, under), { r: 255, g: 255, b: 255, a: 1 });
  };
  const lowContrast = [];
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (!node.textContent.trim() || !element || seen.has(element)) continue;
    seen.add(element);
    if (element.closest('[hidden], noscript, option, :disabled')) continue;
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || box.right < 0 || box.bottom < 0) continue;
    let opacity = 1;
    for (let e = element; e; e = e.parentElement) opacity *= Number(getComputedStyle(e).opacity);
    const style = getComputedStyle(element);
    if (opacity < 0.1 || style.visibility === 'hidden') continue;
    const behind = backdrop(element);
    const text = over(parse(style.color), behind);
    const [light, dark] = [luminance(text), luminance(behind)].sort((x, y) => y - x);
    const ratio = (light + 0.05) / (dark + 0.05);
    const size = parseFloat(style.fontSize);
    const needed = size >= 24 || (Number(style.fontWeight) >= 700 && size >= 18.66) ? 3 : 4.5;
    if (ratio < needed) {
      lowContrast.push(ratio.toFixed(2) + ' < ' + needed + ': ' + JSON.stringify(node.textContent.trim().slice(0, 40)));
    }
  }
  const unnamed = [];
  for (const control of document.querySelectorAll('input, select, textarea, button')) {
    if (control.type === 'hidden' || control.closest('[hidden]')) continue;
    const named =
      (control.labels && control.labels.length > 0) ||
      control.getAttribute('aria-label') ||
      control.getAttribute('aria-labelledby') ||
      (control.tagName === 'BUTTON' && control.textContent.trim());
    if (!named) unnamed.push(control.outerHTML.slice(0, 100));
  }
  return { lowContrast, unnamed };
})()`;

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

/** Signs in the way a person does: the key typed into the form (which has the focus), then Enter. */
async function signIn(page: Page, url: string, key: string): Promise<void> {
  await page.goto(`${url}/`);
  await expect
    .poll(() => page.getByLabel('API key').evaluate((input) => input === document.activeElement))
    .toBe(true);
  await page.keyboard.type(key);
  await page.keyboard.press('Enter');
  await expect.poll(() => page.getByRole('heading', { name: 'Videos', level: 1 }).isVisible()).toBe(true);
}

/** The API requests the page makes from now until `stop()` is called. */
function recordApiRequests(page: Page): { urls: string[]; stop: () => void } {
  const urls: string[] = [];
  const listener = (request: { url(): string }) => {
    if (request.url().includes('/api/v1/')) urls.push(request.url());
  };
  page.on('request', listener);
  return { urls, stop: () => page.off('request', listener) };
}

/** Tells the page its tab is hidden (or visible again), as the browser does when the tab is switched. */
async function setTabHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((hide) => {
    if (hide) Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    else Reflect.deleteProperty(document, 'hidden');
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}

const csvLines = (text: string) => text.trim().split('\n');

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
  let liveKey: string;
  let pausedLiveId: string;
  const accountIds: string[] = [];
  const apiRequests: { url: string; key: string | undefined }[] = [];
  let benchKey: string;
  let campaignerKey: string;
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
    const campaigner = await createAccount(store, {
      email: 'campaigns@example.com',
      plan: 'enterprise',
      now,
    });
    if (!person.ok || !bench.ok || !campaigner.ok) throw new Error('accounts');
    accountIds.push(person.value.account.id, bench.value.account.id, campaigner.value.account.id);
    campaignerKey = campaigner.value.testKey.key;
    // 1,010 campaigns: more than GET /tags answers at once (1,000).
    await seedCompletedVideos(
      store,
      campaigner.value.account.id,
      Array.from({ length: 101 }, (_, i) => ({
        n: 2000 + i,
        title: `Campaign video ${i}`,
        slots: 1,
        startedAt: now - 2 * HOUR_MS - i * 1000,
        tags: Array.from({ length: 10 }, (_, t) => `campaign ${String(i * 10 + t).padStart(4, '0')}`),
      })),
    );
    testKey = person.value.testKey.key;
    liveKey = person.value.liveKey.key;
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
    // A live video, paused after its first five slots (all missed: nothing charged), of a one-day tracking.
    [pausedLiveId = ''] = await seedCompletedVideos(store, person.value.account.id, [
      {
        n: 3,
        title: 'Paused live video',
        slots: 5,
        allMissed: true,
        startedAt: now - 6 * HOUR_MS,
        mode: 'live',
        status: 'paused',
        durationDays: 1,
      },
    ]);
    server = await startServer(store);
    // Tags and metadata are the person's words: given through the API, as a client would.
    const patched = await fetch(`${server.url}/api/v1/videos/${hostileId}`, {
      method: 'PATCH',
      headers: { 'x-api-key': testKey, 'content-type': 'application/json' },
      body: JSON.stringify({ tags: [HOSTILE_TAG], metadata: HOSTILE_METADATA }),
    });
    expect(patched.status).toBe(200);
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
    page.on('request', (request) => {
      if (request.url().includes('/api/v1/'))
        apiRequests.push({ url: request.url(), key: request.headers()['x-api-key'] });
    });
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
    // The tag and the metadata (the person's own words) too: in the heading, the facts and the list.
    expect(await page.locator('.video-head a.tag').allInnerTexts()).toEqual([HOSTILE_TAG]);
    const [[name, value]] = Object.entries(HOSTILE_METADATA) as [[string, string]];
    const facts = await page.locator('dl.facts').innerText();
    expect(facts).toContain(name);
    expect(facts).toContain(value);
    expect(await page.locator('main img, main b, main i').count()).toBe(0);
    await page.goto(`${server.url}/#/videos`);
    const row = page.locator('table.videos tbody tr').filter({ hasText: '<script>' });
    await expect.poll(() => row.locator('a.tag').allInnerTexts()).toEqual([HOSTILE_TAG]);
    // Its sparkline: 30 hourly slots, 7, 14, 21 and 28 missed: broken at each, so four lines (0–6 … 22–27) and a
    // dot for slot 29 alone.
    const spark = row.locator('svg.sparkline');
    await expect.poll(() => spark.locator('polyline').count()).toBe(4);
    expect(await spark.locator('circle').count()).toBe(1);
    expect(await spark.getAttribute('aria-label')).toMatch(/^Views from [\d,]+ to [\d,]+ over 30 snapshots$/);
    await row.locator('a.tag').click();
    await expect
      .poll(() => page.locator('h1.campaign-title').textContent())
      .toBe(`Campaign “${HOSTILE_TAG}”`);
    await expect.poll(() => page.locator('table.videos tbody tr').count()).toBe(1);
    expect(await page.locator('main img, main b, main i, main script').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
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
    expect(await summary.innerText()).toMatch(/^views: 26 snapshots, from [\d,]+ to [\d,]+;/);
    // Another metric; the scale with the keyboard (arrow keys move within a group of radios); growth per
    // interval: each redraws the chart and says so.
    await page.locator('.chart-controls').getByText('Likes', { exact: true }).click();
    await expect.poll(() => summary.innerText()).toMatch(/^likes: 26 snapshots/);
    await page.getByRole('radio', { name: 'Linear' }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('radio', { name: 'Log' }).isChecked()).toBe(true);
    await expect.poll(() => summary.innerText()).toContain('log scale');
    await page.getByText('Growth per interval', { exact: true }).click();
    await expect.poll(() => summary.innerText()).toMatch(/^likes growth per interval: \d+ snapshots/);
    // Growth is drawn only between consecutive slots: fewer points than readings, never across a gap.
    const growthPoints = Number(/(\d+) snapshots/.exec(await summary.innerText())?.[1]);
    expect(growthPoints).toBeLessThan(26);
    expect(growthPoints).toBeGreaterThan(15);
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
    // The balance is shown before submitting, even though a test key never draws on it.
    expect(await page.locator('.estimate').innerText()).toContain('Available balance: $10.00');
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

  it('refreshes the list while it is open, keeping what was typed in the filters, the rows and the focus', async () => {
    await page.goto(`${server.url}/#/videos`);
    const monitoring = page
      .locator('table.videos tbody tr')
      .filter({ has: page.locator('.badge', { hasText: 'Monitoring' }) })
      .first();
    await monitoring.waitFor();
    const id = await monitoring.getAttribute('data-id');
    const row = page.locator(`table.videos tbody tr[data-id="${id}"]`);
    const rowCount = await page.locator('table.videos tbody tr').count();
    const newest = () => row.locator('time').getAttribute('datetime');
    const before = await newest();
    // Typed, not applied; then the focus goes to the row's link.
    await page.getByLabel('Link', { exact: true }).fill('typed, not applied');
    const link = row.locator('a.video-title');
    await link.focus();
    await link.evaluate((element) => {
      element.dataset.marker = 'focused';
    });
    // Snapshots come every 2 seconds: the row changes without a reload.
    await expect.poll(newest, { timeout: 15_000, interval: 250 }).not.toBe(before);
    expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.marker)).toBe(
      'focused',
    );
    expect(await page.getByLabel('Link', { exact: true }).inputValue()).toBe('typed, not applied');
    expect(new URL(page.url()).hash).toBe('#/videos');
    expect(await page.locator('table.videos tbody tr').count()).toBe(rowCount);
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
    await expect.poll(() => page.locator('.chart canvas').count()).toBeGreaterThan(0);
    const canvas = await page.locator('.chart canvas').first().elementHandle();
    const requests = recordApiRequests(page);
    const first = await collected();
    // Slot 0 at track time, then one every 2 seconds: the page asks for new slots only, and reads the video again
    // when one has come.
    await expect.poll(collected, { timeout: 15_000, interval: 250 }).toBeGreaterThanOrEqual(first + 2);
    requests.stop();
    const probes = requests.urls.filter((url) => url.includes('/snapshots?'));
    const reads = requests.urls.filter((url) => /\/api\/v1\/videos\/vid_\w+$/.test(url));
    expect(probes.length).toBeGreaterThanOrEqual(2);
    for (const probe of probes) {
      expect(new URL(probe).searchParams.get('starting_after')).toMatch(/^job_\w+-\d+$/);
      expect(new URL(probe).searchParams.get('limit')).toBe('1');
    }
    expect(reads.length).toBeGreaterThanOrEqual(2);
    expect(reads.length).toBeLessThanOrEqual(probes.length);
    // The chart was updated where it is, not drawn anew; its table too.
    expect(await canvas!.evaluate((element) => element.isConnected)).toBe(true);
    const settled = /(\d+) collected, (\d+) missed/.exec(await facts.innerText())!;
    expect(await page.locator('table.snapshots tbody tr').count()).toBe(
      Number(settled[1]) + Number(settled[2]),
    );

    // A hidden tab asks nothing; coming back, it asks at once.
    await setTabHidden(page, true);
    await page.waitForTimeout(500);
    const hidden = recordApiRequests(page);
    await page.waitForTimeout(4_000);
    hidden.stop();
    expect(hidden.urls).toEqual([]);
    const shown = recordApiRequests(page);
    await setTabHidden(page, false);
    await expect.poll(() => shown.urls.length, { timeout: 1_500, interval: 100 }).toBeGreaterThan(0);
    shown.stop();
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

    // The downloads hold this video's snapshots only: as many as the page says were collected.
    const videoId = new URL(page.url()).hash.split('/').at(-1)!;
    const count = await collected();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(
      new RegExp(`^contentstats-snapshots-${videoId}-\\d{4}-\\d{2}-\\d{2}\\.csv$`),
    );
    const csv = csvLines(readFileSync((await download.path())!, 'utf8'));
    expect(csv[0]).toMatch(
      /^video_id,video_link,platform,title,creator,tags,snapshot_id,slot,snapshot_time,views/,
    );
    expect(csv.slice(1).map((line) => line.split(',')[0])).toEqual(Array(count).fill(videoId));
    const [xlsx] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download XLSX' }).click(),
    ]);
    expect(xlsx.suggestedFilename()).toMatch(new RegExp(`^contentstats-snapshots-${videoId}-.*\\.xlsx$`));
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile((await xlsx.path())!);
    const sheet = (workbook.getWorksheet('snapshots')!.getSheetValues().filter(Boolean) as unknown[][]).slice(
      1,
    );
    expect(sheet.map((row) => row[1])).toEqual(Array(count).fill(videoId));
  });

  it('with a live key: no test banner, only live videos, and the money a change would move, before it moves', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, server.url, liveKey);
    expect(await page.locator('#test-banner').isVisible()).toBe(false);
    await expect.poll(() => page.locator('table.videos tbody tr').allInnerTexts()).toHaveLength(1);
    await page.locator('a.video-title').filter({ hasText: 'Paused live video' }).click();
    await expect.poll(() => statusText(page)).toBe('Paused');
    expect(new URL(page.url()).hash).toBe(`#/videos/${pausedLiveId}`);
    // Five slots, all missed, and nothing collected: each missed slot is a row.
    await expect.poll(() => page.locator('tr.missed').count()).toBe(5);
    expect(await page.locator('.chart-summary').innerText()).toBe('No views to draw yet.');
    // One day of hourly slots at $0.015 each: 19 still ahead.
    await page.getByRole('button', { name: 'Resume' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.locator('.money-line').innerText()).toBe(
      'Reserves at most $0.285 (19 remaining snapshots × $0.015).',
    );
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Stop' }).click();
    expect(await dialog.locator('.money-line').innerText()).toBe(
      'Nothing is reserved while paused: no money moves.',
    );
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await statusText(page)).toBe('Paused');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, server.url, testKey);
    expect(await page.locator('#test-banner').isVisible()).toBe(true);
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

  it('lists every campaign of an account with more than one page of tags', async () => {
    const own = await context.newPage();
    await own.goto(`${server.url}/`);
    await own.evaluate((key) => sessionStorage.setItem('contentstats.apiKey', key), campaignerKey);
    const tagPages: string[] = [];
    own.on('response', (response) => {
      if (new URL(response.url()).pathname === '/api/v1/tags') tagPages.push(response.url());
    });
    await own.goto(`${server.url}/#/campaigns`);
    const rows = own.locator('table.campaigns tbody tr');
    await expect.poll(() => rows.count()).toBe(1010);
    expect(await rows.first().innerText()).toMatch(/^campaign 0000\s+1$/);
    expect(await rows.last().innerText()).toMatch(/^campaign 1009\s+1$/);
    expect(tagPages.map((url) => new URL(url).search)).toEqual([
      '',
      `?starting_after=${encodeURIComponent('campaign 0999')}`,
    ]);
    await own.close();
  });

  it('filters the list by platform and status, and finds a video by its link', async () => {
    await page.goto(`${server.url}/#/videos`);
    const rows = page.locator('table.videos tbody tr');
    await rows.first().waitFor();
    const cells = (label: string) =>
      rows.locator(`td[data-label="${label}"]`).evaluateAll((tds) => tds.map((td) => td.textContent));
    await page.getByLabel('Platform').selectOption({ label: 'YouTube' });
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => cells('Platform')).toEqual(['YouTube']);
    expect(new URL(page.url()).hash).toBe('#/videos?platform=youtube');
    await page.getByLabel('Platform').selectOption({ label: 'All' });
    await page.getByLabel('Status').selectOption({ label: 'Completed' });
    await page.getByRole('button', { name: 'Apply' }).click();
    // The previous list ("1 video") stays until the new one is drawn: wait for the new rows themselves.
    await expect
      .poll(async () => {
        const statuses = await cells('Status');
        return statuses.length >= 2 && statuses.every((status) => status === 'Completed');
      })
      .toBe(true);
    await expect.poll(() => page.locator('#list-status').innerText()).toMatch(/^\d+ videos$/);
    // A link as it was pasted (the short form) finds the video by its canonical link too.
    await page.getByLabel('Status').selectOption({ label: 'All' });
    await page.getByLabel('Link', { exact: true }).fill('https://youtu.be/dQw4w9WgXcQ');
    await page.getByLabel('Link', { exact: true }).press('Enter');
    await expect.poll(() => cells('Platform')).toEqual(['YouTube']);
    await page
      .getByLabel('Link', { exact: true })
      .fill('https://www.tiktok.com/@nobody/video/7399999999999999999');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect
      .poll(() => page.locator('#list-status').innerText())
      .toBe('No videos match. Track one to get started.');
  });

  it('shows the account: usage and keys, a new key shown once', async () => {
    await page.goto(`${server.url}/#/account`);
    await expect.poll(() => page.locator('dl.usage').innerText()).toContain('Snapshots collected');
    expect(await page.locator('dl.usage').innerText()).toContain('free with a test key');
    await page.getByLabel('Name', { exact: true }).fill('from the dashboard');
    await page.getByRole('button', { name: 'Create key' }).click();
    const shown = page.getByLabel('New key (shown only this once: store it now)');
    await expect.poll(() => shown.inputValue()).toMatch(/^cs_test_/);
    const row = page.locator('table.keys tbody tr').filter({ hasText: 'from the dashboard' });
    await expect.poll(() => row.count()).toBe(1);
    await row.getByRole('button', { name: /^Revoke key cs_test_/ }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => row.innerText()).toContain('revoked');
    // The revoked key is refused; the key signed in with still works.
    const refused = await fetch(`${server.url}/api/v1/usage`, {
      headers: { 'x-api-key': await shown.inputValue() },
    });
    expect(refused.status).toBe(401);
    expect(await page.locator('dl.usage').isVisible()).toBe(true);
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

  it('shows every page with named controls and readable contrast, at desktop and at phone width', async () => {
    const pages: [string, string, () => Promise<unknown>][] = [
      ['videos', '#/videos', () => page.locator('table.videos tbody tr').first().waitFor()],
      ['video', `#/videos/${hostileId}`, () => page.locator('.chart canvas').waitFor()],
      ['track', '#/track', () => page.locator('.estimate').filter({ hasText: 'free' }).waitFor()],
      [
        'campaign',
        `#/campaigns/${encodeURIComponent('Spring Launch')}`,
        () => page.locator('main[data-campaign-chart]').waitFor(),
      ],
      ['account', '#/account', () => page.locator('table.keys').waitFor()],
    ];
    for (const [name, hash, ready] of pages) {
      for (const [width, height, size] of [
        [1280, 900, 'desktop'],
        [390, 844, 'phone'],
      ] as const) {
        await page.setViewportSize({ width, height });
        await page.goto(`${server.url}/${hash}`);
        await ready();
        const audit = (await page.evaluate(AUDIT_PAGE)) as { lowContrast: string[]; unnamed: string[] };
        expect(audit, `${name} at ${size} width`).toEqual({ lowContrast: [], unnamed: [] });
        // Nothing to scroll sideways: what does not fit wraps, or scrolls inside its own box.
        expect(await page.evaluate(() => document.documentElement.scrollWidth), name).toBeLessThanOrEqual(
          width,
        );
        await page.screenshot({ path: join(OUTPUT, `${dialect}-${name}-${size}.png`), fullPage: true });
      }
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('is usable by keyboard: the skip link, the menu, a form', async () => {
    // A fresh load (going to another hash of the same page would only change the route, and focus the content).
    await page.goto(`${server.url}/#/videos`);
    await page.reload();
    await page.locator('table.videos tbody tr').first().waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    // The address is not changed by the skip link (a hash names a page here).
    expect(new URL(page.url()).hash).toBe('#/videos');
    expect(await page.getByRole('heading', { name: 'Videos', level: 1 }).isVisible()).toBe(true);
    // The menu: Track reached with Tab, opened with Enter, its first field filled and the form sent by keyboard.
    await page.getByRole('link', { name: 'Track', exact: true }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('heading', { name: 'Track videos' }).isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: 'Track', exact: true }).getAttribute('aria-current')).toBe(
      'page',
    );
    await page.getByLabel('Links').focus();
    await page.keyboard.type('https://www.tiktok.com/@demo/video/7300000000000004040');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).name)).toBe('days');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('1');
    await page.getByRole('button', { name: 'Track', exact: true }).focus();
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.locator('.results h2').innerText(), { timeout: 15_000 })
      .toBe('0 of 1 tracked');
    expect(await page.locator('table.outcomes tbody tr').first().innerText()).toContain(
      'Not found or private',
    );
    // The outcome's heading has the focus, so a screen reader reads it next.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('0 of 1 tracked');
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
    // Every video once (500 and the long one), in pages that follow each other, and no "Show more" after the last.
    await fresh.getByRole('button', { name: 'Show more' }).click();
    await expect.poll(() => fresh.locator('table.videos tbody tr').count()).toBe(501);
    const listed = await fresh
      .locator('table.videos tbody tr')
      .evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.id));
    expect(listed).toHaveLength(501);
    expect(new Set(listed).size).toBe(501);
    await expect.poll(() => fresh.getByRole('button', { name: 'Show more' }).isVisible()).toBe(false);

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
    expect(await fresh.locator('section[data-chart-points]').getAttribute('data-chart-points')).toBe('720');
    const chartJson = [...transfers.values()]
      .filter((t) => t.url.endsWith(`/api/v1/videos/${longId}`))
      .reduce((sum, t) => sum + t.bytes, 0);
    // The table shows the newest 100 slots, then 100 more at a time, down to slot 0.
    const tableRows = fresh.locator('table.snapshots tbody tr');
    expect(await tableRows.count()).toBe(100);
    for (let shown = 100; shown < 720; shown += 100) {
      await fresh.getByRole('button', { name: 'Show older slots' }).click();
      await expect.poll(() => tableRows.count()).toBe(Math.min(720, shown + 100));
    }
    expect(await fresh.getByRole('button', { name: 'Show older slots' }).isVisible()).toBe(false);
    expect(await tableRows.last().innerText()).toMatch(/^0\s/);
    expect(await fresh.locator('table.snapshots tr.missed').count()).toBe(7);
    await fresh.screenshot({ path: join(OUTPUT, `${dialect}-chart-720-desktop.png`), fullPage: false });
    await fresh.close();

    const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
    console.log(
      [
        `dashboard figures (${dialect}):`,
        `  first load of the list: ${kb(totalBytes)} transferred (page and files ${kb(assetBytes)}, list JSON ${kb(listBytes)}, sparklines ${kb(sparkBytes)}), ${firstLoadMs} ms to 100 rows`,
        `  list of 500 videos rendered in ${listMs.toFixed(0)} ms (5 pages of 100)`,
        `  chart of 720 snapshots rendered in ${chartMs.toFixed(0)} ms (the video's JSON: ${kb(chartJson)}, one request)`,
      ].join('\n'),
    );
  }, 90_000);

  it('met no Content-Security-Policy violation and no script error on any page', () => {
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('sent the key in the X-API-Key header of every API request, never in an address', () => {
    expect(apiRequests.length).toBeGreaterThan(50);
    const keys = [testKey, liveKey, benchKey];
    expect(apiRequests.filter((request) => keys.some((key) => request.url.includes(key)))).toEqual([]);
    // The sign-in form's first try is a made-up key; every other request carries one of the real ones.
    const withoutKnownKey = apiRequests.filter((request) => !keys.includes(request.key ?? ''));
    expect(withoutKnownKey.map((request) => request.key)).toEqual(['cs_test_notARealKey0000000000']);
  });
});
