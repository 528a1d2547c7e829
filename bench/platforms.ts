// The platform benchmarks (docs/benchmarks.md), measured in one run on this machine:
// (a) parse time of each platform's success fixture through its exported parse function, next to merely
//     reading the same input: an indexOf scan for each embedded object's marker plus JSON.parse of it (for
//     pages), or JSON.parse of the answer (for JSON), as a ratio. Both get the decoded string the HTTP
//     client hands the parser, so neither pays a UTF-8 decode;
// (b) collections per second through the production collectors (createLiveCollectors over createHttpClient
//     with CONTENTSTATS_UPSTREAMS) against the local fake platform, next to a bare undici request loop of
//     the same URLs on the same server at the same concurrency, as a ratio (target ≥ 0.5). The fake runs in
//     its own process (this file, forked with BENCH_PLATFORMS_ROLE=fake-platform) so it does not share a
//     thread with the client being measured.
//
// (c) the cost of counting each source read for source health (health/attempt-recorder.ts): calls of
//     recordAttempt per second, next to a bare Map increment under the same key, and one flush of a busy
//     minute (every source × outcome) to SQLite.
//
// Alone: node --import tsx -e "import('./bench/platforms.ts').then(m => m.benchPlatforms(console.log))"
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Impit } from 'impit';
import { Agent, request } from 'undici';
import { testConfig } from '../src/config.ts';
import { createAttemptRecorder } from '../src/health/attempt-recorder.ts';
import { browserHeaders, CHROME_USER_AGENT } from '../src/http/browser-headers.ts';
import { createHttpClient } from '../src/http/client.ts';
import { UPSTREAM_HEADER } from '../src/http/upstream-rewrite.ts';
import { GRAPHQL_URL, readPostQueryResponse } from '../src/platforms/instagram/graphql.ts';
import { parsePostPage } from '../src/platforms/instagram/post-page.ts';
import { createLiveCollectors } from '../src/platforms/live-collectors.ts';
import { SOURCE_OUTCOMES } from '../src/platforms/source-attempts.ts';
import { parseVideoPage } from '../src/platforms/tiktok/parse-video-page.ts';
import { tiktokCanonicalUrl, tiktokRef } from '../src/platforms/tiktok/url.ts';
import { parseTweetsLookup } from '../src/platforms/twitter/api-v2.ts';
import {
  DEFAULT_TWEET_RESULT_QUERY_ID,
  parseTweetResultByRestId,
  tweetResultByRestIdUrl,
} from '../src/platforms/twitter/graphql.ts';
import { WEB_APP_XHR_HEADERS, X_WEB_APP_BEARER } from '../src/platforms/twitter/guest-token.ts';
import { twitterRef } from '../src/platforms/twitter/url.ts';
import type { Collector, CollectResult, PlatformName } from '../src/platforms/types.ts';
import { readVideosListResponse } from '../src/platforms/youtube/data-api.ts';
import { parseWatchPage } from '../src/platforms/youtube/watch-page.ts';
import { openStore } from '../src/store/database.ts';
import { migrateToLatest } from '../src/store/migrate.ts';
import { type FakeReply, startFakePlatform } from '../test/fake-platform/server.ts';
import { startChild, stopChild } from './child.ts';

const PARSE_WARMUP = 50;
const PAGE_ITERATIONS = Number(process.env.BENCH_PLATFORMS_PAGE_ITERATIONS ?? 200);
const JSON_ITERATIONS = Number(process.env.BENCH_PLATFORMS_JSON_ITERATIONS ?? 2_000);
const COLLECT_WARMUP = 200;
/**
 * Seconds per measured round. Rounds alternate baseline and collector, so drift hits both alike, and last long
 * enough that a garbage collection or a compilation is not a large share of one (1,500 calls of the X
 * request, earlier, took a tenth of a second and its ratio swung from 0.45 to 0.86 between runs).
 */
const COLLECT_SECONDS = Number(process.env.BENCH_PLATFORMS_SECONDS ?? 1);
const COLLECT_ROUNDS = 5;
const CONCURRENCY = 16;

const TIKTOK_ID = '7401234567890123456';
const YOUTUBE_ID = 'Xr4bK2m9QpA';
const INSTAGRAM_CODE = 'C3wq-PRO_fT';
const X_ID = '1812345678901234567';

function fixture(platform: PlatformName, name: string): string {
  return readFileSync(new URL(`../src/platforms/${platform}/fixtures/${name}`, import.meta.url), 'utf8');
}

// --- (a) parse time --------------------------------------------------------------------------------------------

/** The JSON embedded in a page from just after `marker` (searched from `after`) up to `end`, parsed. */
function embeddedJson(page: string, marker: string, end: string, after = 0): { value: unknown; to: number } {
  const start = page.indexOf(marker, after);
  if (start === -1) throw new Error(`baseline: marker ${marker} not found`);
  const from = start + marker.length;
  const to = page.indexOf(end, from);
  if (to === -1) throw new Error(`baseline: end ${end} not found`);
  return { value: JSON.parse(page.slice(from, to)), to };
}

/** Every `<script type="application/json" …>` blob of a page, parsed (where Instagram ships its data). */
function everyJsonScript(page: string): unknown[] {
  const values: unknown[] = [];
  for (let at = page.indexOf('<script type="application/json"'); at !== -1; ) {
    const { value, to } = embeddedJson(page, '>', '</script>', at);
    values.push(value);
    at = page.indexOf('<script type="application/json"', to);
  }
  return values;
}

interface ParseCase {
  platform: PlatformName;
  fixture: string;
  bytes: number;
  iterations: number;
  /** The platform's own parse function on the fixture; must succeed. */
  parse: () => CollectResult;
  /** Merely reading the same bytes. */
  baseline: () => unknown;
}

function pageCase(
  platform: PlatformName,
  name: string,
  parse: (html: string) => CollectResult,
  baseline: (html: string) => unknown,
): ParseCase {
  const html = fixture(platform, name);
  return {
    platform,
    fixture: name,
    bytes: Buffer.byteLength(html),
    iterations: PAGE_ITERATIONS,
    parse: () => parse(html),
    baseline: () => baseline(html),
  };
}

function jsonCase(platform: PlatformName, name: string, parse: (body: string) => CollectResult): ParseCase {
  const body = fixture(platform, name);
  return {
    platform,
    fixture: name,
    bytes: Buffer.byteLength(body),
    iterations: JSON_ITERATIONS,
    parse: () => parse(body),
    baseline: () => JSON.parse(body),
  };
}

const PARSE_CASES: ReadonlyArray<() => ParseCase> = [
  () =>
    pageCase(
      'tiktok',
      'video-page.html',
      (html) => parseVideoPage({ finalUrl: tiktokCanonicalUrl(TIKTOK_ID), body: html }, TIKTOK_ID),
      (page) =>
        embeddedJson(
          page,
          '<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__" type="application/json">',
          '</script>',
        ).value,
    ),
  () =>
    pageCase(
      'youtube',
      'watch-public.html',
      (html) => parseWatchPage(html, YOUTUBE_ID),
      // The parser reads both assignments; so does the baseline (with end markers known in advance).
      (page) => [
        embeddedJson(page, 'var ytInitialPlayerResponse = ', ';var meta = ').value,
        embeddedJson(page, 'var ytInitialData = ', ';</script>').value,
      ],
    ),
  () =>
    jsonCase('youtube', 'data-api-videos.json', (body) => {
      const outcome = readVideosListResponse(200, body, [YOUTUBE_ID]);
      return outcome.ok
        ? (outcome.value.get(YOUTUBE_ID) ?? {
            ok: false,
            error: { kind: 'format_changed', message: '-' },
          })
        : { ok: false, error: outcome.error };
    }),
  () =>
    jsonCase('instagram', 'graphql-web-info-reel.json', (body) =>
      readPostQueryResponse(
        { status: 200, headers: {}, body, finalUrl: GRAPHQL_URL, redirects: [] },
        INSTAGRAM_CODE,
        'instagram-graphql',
        Date.now(),
      ),
    ),
  () =>
    pageCase(
      'instagram',
      'post-page-reel.html',
      (html) => parsePostPage(html, INSTAGRAM_CODE),
      // Which of the page's JSON blobs holds the post is not known in advance: the parser reads them all.
      everyJsonScript,
    ),
  () => jsonCase('twitter', 'graphql-video-tweet.json', (body) => parseTweetResultByRestId(body, X_ID)),
  () =>
    jsonCase('twitter', 'api-v2-batch.json', (body) => {
      const lookup = parseTweetsLookup(body, [X_ID]);
      return lookup.ok
        ? (lookup.value.get(X_ID) ?? { ok: false, error: { kind: 'format_changed', message: '-' } })
        : { ok: false, error: lookup.error };
    }),
];

let sink = 0;
/** Milliseconds per call, after warm-up, over a fixed number of calls. */
function msPerCall(fn: () => unknown, iterations: number): number {
  for (let i = 0; i < PARSE_WARMUP; i++) sink += fn() ? 1 : 0;
  const start = performance.now();
  for (let i = 0; i < iterations; i++) sink += fn() ? 1 : 0;
  return (performance.now() - start) / iterations;
}

function benchParsing(report: (line: string) => void): void {
  report(
    `Parse time per success fixture (${PARSE_WARMUP} warm-up calls, then ${PAGE_ITERATIONS} per page / ` +
      `${JSON_ITERATIONS} per JSON answer; baseline: indexOf scan + JSON.parse of the embedded objects, or JSON.parse)`,
  );
  for (const makeCase of PARSE_CASES) {
    const c = makeCase();
    const first = c.parse();
    if (!first.ok) throw new Error(`${c.platform}/${c.fixture} did not parse: ${first.error.message}`);
    const baselineMs = msPerCall(c.baseline, c.iterations);
    const parseMs = msPerCall(c.parse, c.iterations);
    const label = `${c.platform} ${c.fixture} (${(c.bytes / 1024).toFixed(0)} KB)`.padEnd(48);
    report(
      `  ${label} parse ${parseMs.toFixed(3).padStart(7)} ms   baseline ${baselineMs.toFixed(3).padStart(7)} ms   ` +
        `${(parseMs / baselineMs).toFixed(2)} × baseline`,
    );
  }
  if (sink < 0) report('');
}

// --- (b) collection rate ---------------------------------------------------------------------------------------

const TIKTOK_PATH = `/@_/video/${TIKTOK_ID}`;
const X_GRAPHQL_URL = new URL(tweetResultByRestIdUrl(X_ID, DEFAULT_TWEET_RESULT_QUERY_ID));

/** The fake platform's side: serves the success fixtures by path (with or without the upstream header). */
async function serveFakePlatform(): Promise<void> {
  const reply = (type: string, body: string): FakeReply => ({
    headers: { 'content-type': `${type}; charset=utf-8` },
    body: Buffer.from(body),
  });
  const page = reply('text/html', fixture('tiktok', 'video-page.html'));
  const tweet = reply('application/json', fixture('twitter', 'graphql-video-tweet.json'));
  const guestToken = reply('application/json', fixture('twitter', 'guest-activate.json'));
  const fake = await startFakePlatform((req) => {
    // The log is for tests; here it would only grow.
    if (fake.requests.length > 1_000) fake.requests.length = 0;
    const path = req.path.split('?')[0];
    if (path === TIKTOK_PATH) return page;
    if (path === X_GRAPHQL_URL.pathname) return tweet;
    if (path === '/1.1/guest/activate.json') return guestToken;
    return { status: 404, body: 'no such route' };
  });
  process.send?.({ origin: fake.origin });
  process.once('SIGTERM', () => {
    void fake.close().then(() => process.exit(0));
  });
}

/** Makes `calls` calls of `once` with CONCURRENCY in flight; returns calls per second. */
async function callsPerSecond(once: () => Promise<void>, calls: number): Promise<number> {
  let started = 0;
  const worker = async () => {
    while (started < calls) {
      started++;
      await once();
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return calls / ((performance.now() - start) / 1000);
}

/** Calls `once` with CONCURRENCY in flight for about `seconds`; returns calls per second. */
async function callsPerSecondFor(once: () => Promise<void>, seconds: number): Promise<number> {
  const start = performance.now();
  const deadline = start + seconds * 1000;
  let done = 0;
  const worker = async () => {
    while (performance.now() < deadline) {
      await once();
      done++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return done / ((performance.now() - start) / 1000);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function collectOnce(collector: Collector, ref: Parameters<Collector['collect']>[0][number]) {
  const [result] = await collector.collect([ref]);
  if (!result?.ok) throw new Error(`collection failed: ${result?.error.message ?? 'no result'}`);
}

async function benchCollection(report: (line: string) => void): Promise<void> {
  const server = await startChild<{ origin: string }>(fileURLToPath(import.meta.url), {
    BENCH_PLATFORMS_ROLE: 'fake-platform',
  });
  const origin = server.ready.origin;
  const http = createHttpClient({
    upstreams: Object.fromEntries(
      // x.com and abs.twimg.com: the X collector's discovery of its operation id (answered 404 here, so the
      // built-in id is used) must not reach the real X either.
      [
        'https://www.tiktok.com',
        'https://api.x.com',
        'https://cdn.syndication.twimg.com',
        'https://x.com',
        'https://abs.twimg.com',
      ].map((real) => [real, origin]),
    ),
  });
  const collectors = createLiveCollectors(testConfig(), http);
  const bare = new Agent({ connections: CONCURRENCY });
  // The baseline sends the same request the collector sends (same transport, same headers) and reads the
  // body, so the ratio is what our client, parser and collector add on top of the exchange itself.
  const sameHeaders = (upstream: string, extra: Record<string, string>) => ({
    ...browserHeaders(CHROME_USER_AGENT),
    ...extra,
    [UPSTREAM_HEADER]: upstream,
  });
  const fetchBare =
    (url: string, headers: Record<string, string>, parse = false) =>
    async () => {
      const response = await request(url, { dispatcher: bare, headers });
      const text = await response.body.text();
      if (response.statusCode !== 200 || text.length === 0)
        throw new Error(`bare fetch: ${response.statusCode}`);
      if (parse) JSON.parse(text);
    };
  const impit = new Impit({ browser: 'chrome', followRedirects: false });
  const fetchBareImpersonated = (url: string, headers: Record<string, string>) => async () => {
    const response = await impit.fetch(url, { headers });
    const text = await response.text();
    if (response.status !== 200 || text.length === 0) throw new Error(`bare fetch: ${response.status}`);
  };
  try {
    const xHeaders = sameHeaders('https://api.x.com', {
      ...WEB_APP_XHR_HEADERS,
      authorization: X_WEB_APP_BEARER,
      'x-guest-token': '1812345678901234567',
      'content-type': 'application/json',
    });
    const xUrl = `${origin}${X_GRAPHQL_URL.pathname}${X_GRAPHQL_URL.search}`;
    // For a small JSON answer, JSON.parse alone is a large share of a loopback exchange: this shows the
    // ceiling any reader of the answer has, next to the collector.
    const xParsed = fetchBare(xUrl, xHeaders, true);
    const rows: Array<[string, () => Promise<void>, () => Promise<void>, (() => Promise<void>)?]> = [
      [
        'TikTok video page (tiktok-web, impersonated TLS client)',
        () => collectOnce(collectors.tiktok, tiktokRef(TIKTOK_ID)),
        fetchBareImpersonated(`${origin}${TIKTOK_PATH}`, { [UPSTREAM_HEADER]: 'https://www.tiktok.com' }),
      ],
      [
        'X guest GraphQL (x-graphql, plain client)',
        () => collectOnce(collectors.twitter, twitterRef(X_ID)),
        fetchBare(xUrl, xHeaders),
        xParsed,
      ],
    ];
    report(
      `Collection rate against the local fake platform (own process; ${CONCURRENCY} in flight; ${COLLECT_WARMUP} ` +
        `warm-up calls, then ${COLLECT_ROUNDS} alternating rounds of ${COLLECT_SECONDS} s, medians of ratios taken ` +
        'within a round; baseline: the same request — URL, headers, transport — sent bare and its body read)',
    );
    for (const [label, collect, baseline, parsedBaseline] of rows) {
      await callsPerSecond(baseline, COLLECT_WARMUP);
      await callsPerSecond(collect, COLLECT_WARMUP);
      const bareRates: number[] = [];
      const collectRates: number[] = [];
      const parsedRates: number[] = [];
      for (let round = 0; round < COLLECT_ROUNDS; round++) {
        bareRates.push(await callsPerSecondFor(baseline, COLLECT_SECONDS));
        collectRates.push(await callsPerSecondFor(collect, COLLECT_SECONDS));
        if (parsedBaseline) parsedRates.push(await callsPerSecondFor(parsedBaseline, COLLECT_SECONDS));
      }
      const toBare = (rates: number[]) => rates.map((rate, round) => rate / bareRates[round]!);
      const range = (ratios: number[]) =>
        `rounds ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`;
      report(`  ${label}`);
      report(
        `    bare fetch loop                 ${median(bareRates).toFixed(0).padStart(8)} req/s   baseline`,
      );
      if (parsedRates.length > 0) {
        const ratios = toBare(parsedRates);
        report(
          `    bare fetch + JSON.parse         ${median(parsedRates).toFixed(0).padStart(8)} req/s   ` +
            `${median(ratios).toFixed(2)} × baseline (${range(ratios)}; the ceiling for anything that reads the answer)`,
        );
      }
      const ratios = toBare(collectRates);
      report(
        `    collector + HTTP client         ${median(collectRates).toFixed(0).padStart(8)} collections/s   ` +
          `${median(ratios).toFixed(2)} × baseline (${range(ratios)}; target ≥ 0.5)`,
      );
    }
  } finally {
    await bare.close();
    await http.close();
    await stopChild(server.child);
  }
}

const SOURCES: Array<[PlatformName, string]> = [
  ['tiktok', 'tiktok-web'],
  ['youtube', 'youtube-data-api'],
  ['youtube', 'youtube-web'],
  ['instagram', 'instagram-graphql'],
  ['instagram', 'instagram-graphql-legacy'],
  ['instagram', 'instagram-web'],
  ['twitter', 'x-api-v2'],
  ['twitter', 'x-graphql'],
  ['twitter', 'x-syndication'],
];

async function benchAttemptRecording(report: (line: string) => void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'contentstats-bench-attempts-'));
  const store = openStore(`sqlite:${join(dir, 'bench.db')}`);
  try {
    const migrated = await migrateToLatest(store);
    if (!migrated.ok) throw new Error(migrated.error.message);
    const clock = { now: () => Date.now() };
    const recorder = createAttemptRecorder({ store, clock });
    const calls = 2_000_000;
    const outcomes = SOURCE_OUTCOMES;
    const bare = new Map<string, number>();
    const bareRecord = (platform: string, source: string, outcome: string) => {
      const now = clock.now();
      const key = `${now - (now % 60_000)}|${platform}|${source}|${outcome}`;
      bare.set(key, (bare.get(key) ?? 0) + 1);
    };
    const run = (
      record: (platform: PlatformName, source: string, outcome: (typeof outcomes)[number]) => void,
    ) => {
      const start = performance.now();
      for (let i = 0; i < calls; i++) {
        const [platform, source] = SOURCES[i % SOURCES.length]!;
        record(platform, source, outcomes[i % outcomes.length]!);
      }
      return calls / ((performance.now() - start) / 1000);
    };
    run(bareRecord);
    run(recorder.recordAttempt);
    const bareRate = run(bareRecord);
    const recordRate = run(recorder.recordAttempt);
    await recorder.flush();
    for (const [platform, source] of SOURCES)
      for (const outcome of outcomes) recorder.recordAttempt(platform, source, outcome);
    const flushStart = performance.now();
    await recorder.flush();
    const flushMs = performance.now() - flushStart;
    report('Counting source reads for source health (in memory; flushed every 30 s)');
    report(
      `  bare Map increment under the same key   ${(bareRate / 1e6).toFixed(1).padStart(6)} M calls/s   baseline`,
    );
    report(
      `  recordAttempt                           ${(recordRate / 1e6).toFixed(1).padStart(6)} M calls/s   ` +
        `${(recordRate / bareRate).toFixed(2)} × baseline (${(1e9 / recordRate).toFixed(0)} ns a read)`,
    );
    report(
      `  flush of a minute of every source × outcome (${SOURCES.length * outcomes.length} rows) to SQLite   ${flushMs.toFixed(1)} ms`,
    );
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchPlatforms(report: (line: string) => void): Promise<void> {
  benchParsing(report);
  await benchCollection(report);
  await benchAttemptRecording(report);
}

if (process.env.BENCH_PLATFORMS_ROLE === 'fake-platform') await serveFakePlatform();
