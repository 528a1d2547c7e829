import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type FakeHandler,
  type FakePlatform,
  type FakeReply,
  fakeReply,
  startFakePlatform,
} from '../../../test/fake-platform/server.ts';
import { type ClosableHttpClient, createHttpClient } from '../../http/client.ts';
import type { CollectResult } from '../types.ts';
import { createTwitterCollector, type TwitterCollectorOptions } from './collector.ts';
import { GUEST_TOKEN_MAX_AGE_MS } from './guest-token.ts';
import { twitterRef } from './url.ts';

// End to end through the real outbound client: every request goes to a local fake standing in for
// api.x.com and cdn.syndication.twimg.com, and the fake's request log is what the assertions read.

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const jsonFile = (name: string, status = 200, headers: Record<string, string> = {}): FakeReply => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  body: fixture(name),
});

const VIDEO = '1812345678901234567';
const OTHER = '1798765432109876543';
const MISSING = '1800000000000000001';
const PROTECTED = '1811111111111111111';
const FIRST_TOKEN = '1861234567890123456';
const NOW = Date.parse('2024-07-13T13:00:00.000Z');

/** The video post fixture, as X would answer it for another id. */
const graphqlVideoPostAs = (id: string): FakeReply => ({
  headers: { 'content-type': 'application/json' },
  body: fixture('graphql-video-tweet.json').replaceAll(VIDEO, id),
});

interface Scenario {
  activate?: (callNumber: number) => FakeReply;
  graphql?: (tweetId: string, guestToken: string | undefined) => FakeReply;
  syndication?: (tweetId: string) => FakeReply;
  apiV2?: (ids: string[]) => FakeReply;
}

function platformX(scenario: Scenario): FakeHandler {
  let activations = 0;
  return (request) => {
    const { host, pathname, searchParams } = request.url;
    if (host === 'api.x.com' && pathname === '/1.1/guest/activate.json' && request.method === 'POST') {
      activations++;
      return scenario.activate?.(activations) ?? jsonFile('guest-activate.json');
    }
    if (host === 'api.x.com' && pathname.endsWith('/TweetResultByRestId') && scenario.graphql) {
      const variables = JSON.parse(searchParams.get('variables') ?? '{}') as { tweetId: string };
      return scenario.graphql(variables.tweetId, request.headers['x-guest-token']);
    }
    if (host === 'cdn.syndication.twimg.com' && pathname === '/tweet-result' && scenario.syndication) {
      return scenario.syndication(searchParams.get('id') ?? '');
    }
    if (host === 'api.x.com' && pathname === '/2/tweets' && scenario.apiV2) {
      return scenario.apiV2((searchParams.get('ids') ?? '').split(','));
    }
    return fakeReply.notFound('no such route on the fake X');
  };
}

let fake: FakePlatform | undefined;
let http: ClosableHttpClient | undefined;
let clock = NOW;

afterEach(async () => {
  await http?.close();
  await fake?.close();
  http = undefined;
  fake = undefined;
  clock = NOW;
});

async function collectorFor(scenario: Scenario, options: Partial<TwitterCollectorOptions> = {}) {
  fake = await startFakePlatform(platformX(scenario));
  http = createHttpClient({
    upstreams: fake.upstreams(['https://api.x.com', 'https://cdn.syndication.twimg.com']),
    timeoutMs: 5_000,
  });
  return createTwitterCollector({ http, now: () => clock, ...options });
}

const requestsTo = (path: string) =>
  (fake?.requests ?? []).filter((request) => request.url.pathname.endsWith(path));

function observed(result: CollectResult | undefined) {
  if (!result) throw new Error('no result');
  if (!result.ok) throw new Error(`expected counts, got ${result.error.kind}: ${result.error.message}`);
  return result.value;
}
function failed(result: CollectResult | undefined) {
  if (!result) throw new Error('no result');
  if (result.ok) throw new Error(`expected a failure, got counts from ${result.value.provider}`);
  return result.error;
}

describe('the X collector without a bearer token (guest GraphQL, then syndication)', () => {
  it('reads the exact counts of a video post through the guest GraphQL API', async () => {
    const collector = await collectorFor({ graphql: () => jsonFile('graphql-video-tweet.json') });
    expect(collector.platform).toBe('twitter');
    expect(collector.batchSize).toBe(1);
    const [result] = await collector.collect([twitterRef(VIDEO)]);
    const observation = observed(result);
    expect(observation.provider).toBe('x-graphql');
    expect(observation.metrics).toEqual({
      views: 1_843_921n,
      likes: 48_213n,
      comments: 1_337n,
      shares: 9_808n,
      saves: 2_301n,
    });
    expect(observation.metadata.creator).toBe('skyline_drone');

    const [activation] = requestsTo('/guest/activate.json');
    expect(activation?.method).toBe('POST');
    expect(activation?.headers['authorization']).toMatch(/^Bearer AAAA/);
    const [query] = requestsTo('/TweetResultByRestId');
    expect(query?.upstream).toBe('https://api.x.com');
    expect(query?.headers['x-guest-token']).toBe(FIRST_TOKEN);
    expect(query?.headers['authorization']).toBe(activation?.headers['authorization']);
    expect(requestsTo('/tweet-result')).toHaveLength(0);
  });

  it('fetches one guest token for many posts and later calls, concurrent or not', async () => {
    const collector = await collectorFor({ graphql: (id) => graphqlVideoPostAs(id) });
    const ids = ['1812345678901234501', '1812345678901234502', '1812345678901234503', '1812345678901234504'];
    const results = await collector.collect(ids.map(twitterRef));
    expect(results.every((result) => result.ok)).toBe(true);
    await collector.collect([twitterRef(VIDEO)]);
    expect(requestsTo('/guest/activate.json')).toHaveLength(1);
    expect(requestsTo('/TweetResultByRestId')).toHaveLength(5);
  });

  it('renews the guest token after a 403 and repeats the request once', async () => {
    const collector = await collectorFor({
      activate: (call) => fakeReply.json({ guest_token: call === 1 ? FIRST_TOKEN : '1869999999999999999' }),
      graphql: (id, token) =>
        token === FIRST_TOKEN ? jsonFile('graphql-bad-guest-token.json', 403) : graphqlVideoPostAs(id),
    });
    expect(observed((await collector.collect([twitterRef(VIDEO)]))[0]).provider).toBe('x-graphql');
    expect(requestsTo('/guest/activate.json')).toHaveLength(2);
    expect(requestsTo('/TweetResultByRestId').map((request) => request.headers['x-guest-token'])).toEqual([
      FIRST_TOKEN,
      '1869999999999999999',
    ]);

    await collector.collect([twitterRef(OTHER)]);
    expect(requestsTo('/guest/activate.json')).toHaveLength(2);
  });

  it('renews a guest token that has grown old before X refuses it', async () => {
    const collector = await collectorFor({ graphql: (id) => graphqlVideoPostAs(id) });
    await collector.collect([twitterRef(VIDEO)]);
    clock += GUEST_TOKEN_MAX_AGE_MS + 1;
    await collector.collect([twitterRef(VIDEO)]);
    expect(requestsTo('/guest/activate.json')).toHaveLength(2);
  });

  it('falls back to syndication when GraphQL answers 404 (an outdated operation id)', async () => {
    const collector = await collectorFor({
      graphql: () => fakeReply.notFound(''),
      syndication: () => jsonFile('syndication-video-tweet.json'),
    });
    const observation = observed((await collector.collect([twitterRef(VIDEO)]))[0]);
    expect(observation.provider).toBe('x-syndication');
    expect(observation.metrics).toEqual({
      views: null,
      likes: 48_190n,
      comments: 1_335n,
      shares: null,
      saves: null,
    });
    const [syndication] = requestsTo('/tweet-result');
    expect(syndication?.upstream).toBe('https://cdn.syndication.twimg.com');
    expect(syndication?.url.searchParams.get('token')).toBe('4e5ngtoaibl');
  });

  it('falls back to syndication when no guest token can be had', async () => {
    const collector = await collectorFor({
      activate: () => fakeReply.json({ errors: [{ code: 200, message: 'Forbidden.' }] }, 403),
      graphql: () => jsonFile('graphql-video-tweet.json'),
      syndication: () => jsonFile('syndication-video-tweet.json'),
    });
    expect(observed((await collector.collect([twitterRef(VIDEO)]))[0]).provider).toBe('x-syndication');
    expect(requestsTo('/TweetResultByRestId')).toHaveLength(0);
  });

  it('falls back to syndication when GraphQL is rate limited, and starts the next post with a new guest token', async () => {
    let queries = 0;
    const collector = await collectorFor({
      graphql: (id) =>
        ++queries === 1 ? jsonFile('graphql-rate-limited.json', 429) : graphqlVideoPostAs(id),
      syndication: () => jsonFile('syndication-video-tweet.json'),
    });
    expect(observed((await collector.collect([twitterRef(VIDEO)]))[0]).provider).toBe('x-syndication');
    expect(observed((await collector.collect([twitterRef(VIDEO)]))[0]).provider).toBe('x-graphql');
    expect(requestsTo('/guest/activate.json')).toHaveLength(2);
  });

  it('asks syndication to confirm an unexplained empty GraphQL result', async () => {
    const collector = await collectorFor({
      graphql: () => jsonFile('graphql-empty-data.json'),
      syndication: () => jsonFile('syndication-video-tweet.json'),
    });
    expect(observed((await collector.collect([twitterRef(VIDEO)]))[0]).provider).toBe('x-syndication');
  });

  it('reports not_found, not known deleted, when both sources have nothing under the id', async () => {
    const collector = await collectorFor({
      graphql: () => jsonFile('graphql-empty-data.json'),
      syndication: () => fakeReply.notFound(''),
    });
    const problem = failed((await collector.collect([twitterRef(VIDEO)]))[0]);
    expect(problem.kind).toBe('not_found');
    expect(problem.deleted).toBeUndefined();
  });

  it.each([
    ['graphql-tombstone-deleted.json', 'not_found', true],
    ['graphql-no-status-found.json', 'not_found', true],
    ['graphql-tombstone-protected.json', 'private', undefined],
    ['graphql-tombstone-suspended.json', 'private', undefined],
    ['graphql-unavailable-protected.json', 'private', undefined],
    ['graphql-unavailable-nsfw.json', 'private', undefined],
  ])('takes the definite answer %s (%s) without asking syndication', async (name, kind, deleted) => {
    const collector = await collectorFor({
      graphql: () => jsonFile(name),
      syndication: () => jsonFile('syndication-video-tweet.json'),
    });
    const problem = failed((await collector.collect([twitterRef(VIDEO)]))[0]);
    expect(problem.kind).toBe(kind);
    expect(problem.deleted).toBe(deleted);
    expect(requestsTo('/tweet-result')).toHaveLength(0);
  });

  it('reads a syndication tombstone when GraphQL cannot answer', async () => {
    const collector = await collectorFor({
      graphql: () => fakeReply.serverError(503),
      syndication: () => jsonFile('syndication-tombstone-deleted.json'),
    });
    expect(failed((await collector.collect([twitterRef(VIDEO)]))[0])).toMatchObject({
      kind: 'not_found',
      deleted: true,
    });
  });
});

describe('the X collector classifies every failure', () => {
  it('reports rate_limited with the wait X asked for in x-rate-limit-reset', async () => {
    const reset = String(NOW / 1000 + 900);
    const collector = await collectorFor({
      graphql: () => jsonFile('graphql-rate-limited.json', 429, { 'x-rate-limit-reset': reset }),
      syndication: () => fakeReply.tooManyRequests(),
    });
    expect(failed((await collector.collect([twitterRef(VIDEO)]))[0])).toMatchObject({
      kind: 'rate_limited',
      retryAfterMs: 900_000,
    });
  });

  it('takes the Retry-After of the fallback when the first source gave no wait', async () => {
    const collector = await collectorFor({
      graphql: () => fakeReply.tooManyRequests(),
      syndication: () => fakeReply.tooManyRequests(30),
    });
    expect(failed((await collector.collect([twitterRef(VIDEO)]))[0])).toMatchObject({
      kind: 'rate_limited',
      retryAfterMs: 30_000,
    });
  });

  it('reports transient on server errors from every source', async () => {
    const collector = await collectorFor({
      graphql: () => fakeReply.serverError(502),
      syndication: () => fakeReply.serverError(503),
    });
    const problem = failed((await collector.collect([twitterRef(VIDEO)]))[0]);
    expect(problem.kind).toBe('transient');
    expect(problem.message).toContain('x-graphql: HTTP 502');
    expect(problem.message).toContain('x-syndication: HTTP 503');
  });

  it('reports transient when every source times out', async () => {
    const collector = await collectorFor(
      { graphql: () => fakeReply.slow(10_000), syndication: () => fakeReply.slow(10_000) },
      { timeoutMs: 150 },
    );
    expect(failed((await collector.collect([twitterRef(VIDEO)]))[0]).kind).toBe('transient');
  });

  it('reports transient when the connection drops in the middle of a body', async () => {
    const collector = await collectorFor({
      graphql: () => fakeReply.truncated(fixture('graphql-video-tweet.json'), 500),
      syndication: () => fakeReply.truncated(fixture('syndication-video-tweet.json'), 300),
    });
    expect(failed((await collector.collect([twitterRef(VIDEO)]))[0]).kind).toBe('transient');
  });

  it('reports blocked when X refuses the guest token and the syndication endpoint', async () => {
    const collector = await collectorFor({
      graphql: () => jsonFile('graphql-bad-guest-token.json', 403),
      syndication: () => fakeReply.html('<html>Forbidden</html>', 403),
    });
    const problem = failed((await collector.collect([twitterRef(VIDEO)]))[0]);
    expect(problem.kind).toBe('blocked');
    expect(requestsTo('/TweetResultByRestId')).toHaveLength(2);
  });

  it('reports format_changed for garbage bodies', async () => {
    const collector = await collectorFor({
      graphql: () => fakeReply.garbage(),
      syndication: () => fakeReply.garbage(),
    });
    expect(failed((await collector.collect([twitterRef(VIDEO)]))[0]).kind).toBe('format_changed');
  });

  it('reports format_changed for JSON cut short but delivered whole', async () => {
    const collector = await collectorFor({
      graphql: () => ({ body: fixture('graphql-video-tweet.json').slice(0, 3000) }),
      syndication: () => ({ body: fixture('syndication-video-tweet.json').slice(0, 800) }),
    });
    expect(failed((await collector.collect([twitterRef(VIDEO)]))[0]).kind).toBe('format_changed');
  });

  it('reports format_changed for an absurdly large answer', async () => {
    const collector = await collectorFor({
      graphql: () => fakeReply.huge(3 * 1024 * 1024),
      syndication: () => fakeReply.huge(3 * 1024 * 1024),
    });
    expect(failed((await collector.collect([twitterRef(VIDEO)]))[0]).kind).toBe('format_changed');
  });

  it('never throws, even when the HTTP client does', async () => {
    const collector = createTwitterCollector({
      http: {
        fetch: () => {
          throw new Error('boom');
        },
      },
    });
    const results = await collector.collect([twitterRef(VIDEO), twitterRef(OTHER)]);
    expect(results.map((result) => !result.ok && result.error.kind)).toEqual(['transient', 'transient']);
  });

  it('contacts nothing but the allow-listed X hosts', async () => {
    const collector = await collectorFor({
      graphql: () => fakeReply.serverError(),
      syndication: () => jsonFile('syndication-video-tweet.json'),
    });
    await collector.collect([twitterRef(VIDEO)]);
    const upstreams = new Set(fake?.requests.map((request) => request.upstream));
    expect([...upstreams].sort()).toEqual(['https://api.x.com', 'https://cdn.syndication.twimg.com']);
  });
});

/** An API v2 answer for any ids: likes are the id's last three digits, so a mix-up shows. */
function apiV2Answer(ids: readonly string[]): FakeReply {
  return fakeReply.json({
    data: ids.map((id) => ({
      id,
      author_id: '2987654321',
      created_at: '2024-06-05T16:02:11.000Z',
      edit_history_tweet_ids: [id],
      text: `post ${id}`,
      public_metrics: {
        retweet_count: 5,
        reply_count: 6,
        like_count: Number(id.slice(-3)),
        quote_count: 7,
        bookmark_count: 8,
        impression_count: 9000,
      },
    })),
    includes: { users: [{ id: '2987654321', name: 'Valley Newsroom', username: 'valleynewsroom' }] },
  });
}
const manyIds = (count: number) =>
  Array.from({ length: count }, (_, i) => String(1800000000000000000n + BigInt(i)));

describe('the X collector with a bearer token (API v2 first)', () => {
  it('reads 100 posts in one API v2 request, each result in the order of the refs', async () => {
    const collector = await collectorFor({ apiV2: apiV2Answer }, { bearerToken: 'test-bearer' });
    expect(collector.batchSize).toBe(100);
    const ids = manyIds(100);
    const results = await collector.collect(ids.map(twitterRef));

    const lookups = requestsTo('/2/tweets');
    expect(lookups).toHaveLength(1);
    expect(lookups[0]?.url.searchParams.get('ids')?.split(',')).toEqual(ids);
    expect(lookups[0]?.headers['authorization']).toBe('Bearer test-bearer');
    results.forEach((result, index) => {
      const observation = observed(result);
      expect(observation.provider).toBe('x-api-v2');
      expect(observation.metrics).toEqual({
        views: 9000n,
        likes: BigInt(Number(ids[index]?.slice(-3))),
        comments: 6n,
        shares: 12n,
        saves: 8n,
      });
    });
    expect(fake?.requests).toHaveLength(1);
  });

  it('splits more than 100 posts into requests of at most 100', async () => {
    const collector = await collectorFor({ apiV2: apiV2Answer }, { bearerToken: 'test-bearer' });
    await collector.collect(manyIds(150).map(twitterRef));
    expect(
      requestsTo('/2/tweets').map((request) => request.url.searchParams.get('ids')?.split(',').length),
    ).toEqual([100, 50]);
  });

  it('asks once for a post listed twice and answers both', async () => {
    const collector = await collectorFor({ apiV2: apiV2Answer }, { bearerToken: 'test-bearer' });
    const results = await collector.collect([twitterRef(VIDEO), twitterRef(VIDEO)]);
    expect(requestsTo('/2/tweets')[0]?.url.searchParams.get('ids')).toBe(VIDEO);
    expect(results.map((result) => observed(result).metrics.likes)).toEqual([567n, 567n]);
  });

  it('takes found, deleted and protected posts from one batch answer without any fallback', async () => {
    const collector = await collectorFor(
      { apiV2: () => jsonFile('api-v2-batch.json') },
      { bearerToken: 'test-bearer' },
    );
    const [video, missing, locked] = await collector.collect([VIDEO, MISSING, PROTECTED].map(twitterRef));
    expect(observed(video).metrics).toEqual({
      views: 1_844_107n,
      likes: 48_230n,
      comments: 1_339n,
      shares: 9_813n,
      saves: 2_305n,
    });
    expect(failed(missing)).toMatchObject({ kind: 'not_found', deleted: true });
    expect(failed(locked).kind).toBe('private');
    expect(fake?.requests).toHaveLength(1);
  });

  it('falls back to the guest path, post by post, when the API answers 429 — and rests until its reset', async () => {
    const reset = String(NOW / 1000 + 600);
    const collector = await collectorFor(
      {
        apiV2: () => jsonFile('api-v2-rate-limited.json', 429, { 'x-rate-limit-reset': reset }),
        graphql: (id) => graphqlVideoPostAs(id),
      },
      { bearerToken: 'test-bearer' },
    );
    const results = await collector.collect([twitterRef(VIDEO), twitterRef(OTHER)]);
    expect(results.map((result) => observed(result).provider)).toEqual(['x-graphql', 'x-graphql']);
    expect(requestsTo('/TweetResultByRestId')).toHaveLength(2);

    clock += 300_000;
    await collector.collect([twitterRef(VIDEO)]);
    expect(requestsTo('/2/tweets')).toHaveLength(1);
    clock += 300_001;
    await collector.collect([twitterRef(VIDEO)]);
    expect(requestsTo('/2/tweets')).toHaveLength(2);
  });

  it('reports the API rate limit and its reset when the guest path cannot answer either', async () => {
    const reset = String(NOW / 1000 + 600);
    const collector = await collectorFor(
      {
        apiV2: () => jsonFile('api-v2-rate-limited.json', 429, { 'x-rate-limit-reset': reset }),
        activate: () => fakeReply.serverError(503),
        syndication: () => fakeReply.serverError(503),
      },
      { bearerToken: 'test-bearer' },
    );
    expect(failed((await collector.collect([twitterRef(VIDEO)]))[0])).toMatchObject({
      kind: 'rate_limited',
      retryAfterMs: 600_000,
    });
    clock += 60_000;
    expect(failed((await collector.collect([twitterRef(VIDEO)]))[0])).toMatchObject({
      kind: 'rate_limited',
      retryAfterMs: 540_000,
    });
  });

  it('stops asking the logged-out sources after repeated failures within one batch', async () => {
    const reset = String(NOW / 1000 + 600);
    const collector = await collectorFor(
      {
        apiV2: () => jsonFile('api-v2-rate-limited.json', 429, { 'x-rate-limit-reset': reset }),
        graphql: () => fakeReply.serverError(503),
        syndication: () => fakeReply.serverError(503),
      },
      { bearerToken: 'test-bearer', guestConcurrency: 4 },
    );
    const results = await collector.collect(manyIds(40).map(twitterRef));
    expect(results.every((result) => !result.ok && result.error.kind === 'rate_limited')).toBe(true);
    expect(results.every((result) => !result.ok && result.error.retryAfterMs === 600_000)).toBe(true);
    // Five failures in a row stop new attempts; the four workers may each have one under way by then.
    expect(requestsTo('/tweet-result').length).toBeLessThanOrEqual(8);
  });

  it.each([
    ['api-v2-unauthorized.json', 401],
    ['api-v2-client-forbidden.json', 403],
  ])('reads posts through the guest path when the token is refused (%s)', async (name, status) => {
    const collector = await collectorFor(
      { apiV2: () => jsonFile(name, status), graphql: (id) => graphqlVideoPostAs(id) },
      { bearerToken: 'revoked' },
    );
    expect(observed((await collector.collect([twitterRef(VIDEO)]))[0]).provider).toBe('x-graphql');
  });

  it('reports blocked, naming X_BEARER_TOKEN, when the token is refused and the guest path fails too', async () => {
    const collector = await collectorFor(
      {
        apiV2: () => jsonFile('api-v2-unauthorized.json', 401),
        activate: () => fakeReply.serverError(503),
        syndication: () => fakeReply.serverError(503),
      },
      { bearerToken: 'revoked' },
    );
    const problem = failed((await collector.collect([twitterRef(VIDEO)]))[0]);
    expect(problem.kind).toBe('blocked');
    expect(problem.message).toContain('X_BEARER_TOKEN');
  });

  it('falls back to the guest path when the API answers garbage', async () => {
    const collector = await collectorFor(
      { apiV2: () => fakeReply.garbage(), graphql: (id) => graphqlVideoPostAs(id) },
      { bearerToken: 'test-bearer' },
    );
    expect(observed((await collector.collect([twitterRef(VIDEO)]))[0]).provider).toBe('x-graphql');
  });

  it('asks the guest path only about the posts the API left unanswered', async () => {
    const collector = await collectorFor(
      {
        apiV2: () => fakeReply.json({ data: JSON.parse(fixture('api-v2-batch.json')).data.slice(0, 1) }),
        graphql: (id) => graphqlVideoPostAs(id),
      },
      { bearerToken: 'test-bearer' },
    );
    const [video, other] = await collector.collect([twitterRef(VIDEO), twitterRef(OTHER)]);
    expect(observed(video).provider).toBe('x-api-v2');
    expect(observed(other).provider).toBe('x-graphql');
    expect(requestsTo('/TweetResultByRestId')).toHaveLength(1);
  });
});
