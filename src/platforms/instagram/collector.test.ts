// The Instagram collector end to end: the real HTTP client against the local fake platform, which stands
// in for www.instagram.com and serves the fixtures.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type FakeHandler,
  type FakePlatform,
  type FakeReply,
  type FakeRequest,
  fakeReply,
  startFakePlatform,
} from '../../../test/fake-platform/server.ts';
import { createHttpClient } from '../../http/client.ts';
import type { HttpClient } from '../../http/types.ts';
import type { Collector, CollectResult } from '../types.ts';
import { createInstagramCollector, type InstagramCollectorOptions } from './collector.ts';
import { CURRENT_POST_QUERY, LEGACY_POST_QUERY } from './graphql.ts';
import { instagramRef } from './url.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const json = (name: string, status = 200): FakeReply => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: fixture(name),
});

const REEL = 'C3wq-PRO_fT';
const PHOTO = 'DA1b2C3d4E5';
const NOW = Date.parse('2026-01-15T10:00:00.000Z');

/** Which query a GraphQL request is (by its doc_id). */
function queryOf(req: FakeRequest): 'current' | 'legacy' | null {
  if (req.url.pathname !== '/graphql/query' || req.method !== 'POST') return null;
  const docId = new URLSearchParams(req.body).get('doc_id');
  if (docId === CURRENT_POST_QUERY.docId) return 'current';
  if (docId === LEGACY_POST_QUERY.docId) return 'legacy';
  return null;
}
const isPostPage = (req: FakeRequest, shortcode: string) =>
  req.method === 'GET' && req.url.pathname === `/p/${shortcode}/`;

interface Replies {
  current?: FakeReply;
  legacy?: FakeReply;
  page?: FakeReply;
}

/** Serves the given replies; anything not given answers like a retired query / a missing page. */
const serve =
  (replies: Replies): FakeHandler =>
  (req) => {
    const query = queryOf(req);
    if (query === 'current') return replies.current ?? json('graphql-retired-doc-id.json');
    if (query === 'legacy') return replies.legacy ?? json('graphql-retired-doc-id.json');
    if (req.url.pathname === '/accounts/login/') return fakeReply.html(fixture('login-page.html'));
    if (req.method === 'GET' && req.url.pathname.startsWith('/p/'))
      return replies.page ?? fakeReply.notFound();
    return fakeReply.notFound();
  };

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(
  handler: FakeHandler,
  options: Partial<InstagramCollectorOptions> = {},
): Promise<{ fake: FakePlatform; collector: Collector }> {
  const fake = await startFakePlatform(handler);
  const http = createHttpClient({
    upstreams: fake.upstreams([
      'https://www.instagram.com',
      'https://instagram.com',
      'https://i.instagram.com',
    ]),
  });
  cleanups.push(
    () => fake.close(),
    () => http.close(),
  );
  return { fake, collector: createInstagramCollector({ http, now: () => NOW, ...options }) };
}

async function collectOne(collector: Collector, shortcode = REEL): Promise<CollectResult> {
  const [result] = await collector.collect([instagramRef(shortcode)]);
  if (!result) throw new Error('no result');
  return result;
}

const sourcesAsked = (fake: FakePlatform) =>
  fake.requests.map(
    (req) => queryOf(req) ?? (req.url.pathname.startsWith('/p/') ? 'page' : req.url.pathname),
  );

describe('the Instagram collector reads a public post', () => {
  it('returns exact counts from the current GraphQL query', async () => {
    const { fake, collector } = await setup(serve({ current: json('graphql-web-info-reel.json') }));
    expect(collector.batchSize).toBe(1);
    expect(await collectOne(collector)).toEqual({
      ok: true,
      value: {
        metrics: { views: 2_418_377n, likes: 183_204n, comments: 4_821n, shares: null, saves: null },
        metadata: {
          title: null,
          creator: 'riverworkshop',
          description: expect.stringContaining('Launch day'),
        },
        provider: 'instagram-graphql',
      },
    });
    expect(sourcesAsked(fake)).toEqual(['current']);
  });

  it('asks like the web app: a form POST with the shortcode, the app id and the post as referer', async () => {
    const { fake, collector } = await setup(serve({ current: json('graphql-web-info-reel.json') }));
    await collectOne(collector);
    const [request] = fake.requests;
    expect(request?.url.href).toBe('https://www.instagram.com/graphql/query');
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request?.headers['x-ig-app-id']).toBe('936619743392459');
    expect(request?.headers.referer).toBe(`https://www.instagram.com/p/${REEL}/`);
    expect(JSON.parse(new URLSearchParams(request?.body).get('variables') ?? '')).toEqual({
      shortcode: REEL,
    });
    expect(request?.headers.cookie).toBeUndefined();
  });

  it('sends the configured session cookie to every source', async () => {
    const { fake, collector } = await setup(serve({ page: fakeReply.html(fixture('post-page-reel.html')) }), {
      sessionId: '51234567%3AabcDEF%3A12',
    });
    await collectOne(collector);
    expect(fake.requests.map((req) => req.headers.cookie)).toEqual([
      'sessionid=51234567%3AabcDEF%3A12',
      'sessionid=51234567%3AabcDEF%3A12',
      'sessionid=51234567%3AabcDEF%3A12',
    ]);
  });

  it('handles several posts one after the other, in order', async () => {
    const { collector } = await setup((req) => {
      if (queryOf(req) === 'current') {
        const shortcode = JSON.parse(new URLSearchParams(req.body).get('variables') ?? '{}').shortcode;
        return shortcode === PHOTO ? json('graphql-web-info-photo.json') : json('graphql-web-info-null.json');
      }
      return serve({})(req);
    });
    const results = await collector.collect([instagramRef(PHOTO), instagramRef(REEL)]);
    expect(results[0]).toMatchObject({ ok: true, value: { metrics: { likes: 12_873n, views: null } } });
    expect(results[1]).toMatchObject({ ok: false, error: { kind: 'not_found' } });
  });
});

describe('the Instagram collector falls back from source to source', () => {
  it('reads the older query when the current doc_id is retired', async () => {
    const { fake, collector } = await setup(serve({ legacy: json('graphql-shortcode-media-reel.json') }));
    expect(await collectOne(collector)).toMatchObject({
      ok: true,
      value: {
        metrics: { views: 2_418_377n, likes: 183_204n, comments: 4_821n },
        provider: 'instagram-graphql-legacy',
      },
    });
    expect(sourcesAsked(fake)).toEqual(['current', 'legacy']);
  });

  it('reads the post page when both queries fail', async () => {
    const { fake, collector } = await setup(
      serve({
        current: json('graphql-require-login.json', 401),
        legacy: fakeReply.serverError(),
        page: fakeReply.html(fixture('post-page-reel.html')),
      }),
    );
    expect(await collectOne(collector)).toMatchObject({
      ok: true,
      value: {
        metrics: { views: 2_418_377n, likes: 183_204n, comments: 4_821n },
        provider: 'instagram-web',
      },
    });
    expect(sourcesAsked(fake)).toEqual(['current', 'legacy', 'page']);
  });

  it('follows the post page to its /reel/ address', async () => {
    const { collector } = await setup((req) => {
      if (isPostPage(req, REEL)) return fakeReply.redirect(`https://www.instagram.com/reel/${REEL}/`, 301);
      if (req.url.pathname === `/reel/${REEL}/`) return fakeReply.html(fixture('post-page-reel.html'));
      return serve({})(req);
    });
    expect(await collectOne(collector)).toMatchObject({
      ok: true,
      value: { provider: 'instagram-web' },
    });
  });

  it('confirms a GraphQL "no such post" on the post page before believing it', async () => {
    const { fake, collector } = await setup(
      serve({
        current: json('graphql-shortcode-media-null.json'),
        legacy: json('graphql-shortcode-media-null.json'),
        page: fakeReply.html(fixture('post-page-reel.html')),
      }),
    );
    expect(await collectOne(collector)).toMatchObject({
      ok: true,
      value: { provider: 'instagram-web' },
    });
    expect(sourcesAsked(fake)).toEqual(['current', 'legacy', 'page']);
  });

  it('reports not_found when GraphQL has no such post and the page is behind the login wall', async () => {
    const { collector } = await setup(
      serve({
        current: json('graphql-shortcode-media-null.json'),
        page: fakeReply.redirect(`https://www.instagram.com/accounts/login/?next=%2Fp%2F${REEL}%2F`),
      }),
    );
    const result = await collectOne(collector);
    expect(result).toMatchObject({ ok: false, error: { kind: 'not_found' } });
    // The message keeps what every source said.
    expect(!result.ok && result.error.message).toMatch(/instagram-graphql: .*instagram-web: .*login/);
  });

  it('reports not_found when the post page is a 404', async () => {
    const { collector } = await setup(
      serve({ page: { ...fakeReply.html(fixture('post-page-not-found.html'), 404) } }),
    );
    expect(await collectOne(collector)).toMatchObject({ ok: false, error: { kind: 'not_found' } });
  });

  it('stops at a private account without asking further sources', async () => {
    const { fake, collector } = await setup(
      serve({ current: json('graphql-web-info-private-account.json') }),
    );
    expect(await collectOne(collector)).toMatchObject({ ok: false, error: { kind: 'private' } });
    expect(sourcesAsked(fake)).toEqual(['current']);
  });

  it('recognises the private-account page', async () => {
    const { collector } = await setup(serve({ page: fakeReply.html(fixture('post-page-private.html')) }));
    expect(await collectOne(collector)).toMatchObject({ ok: false, error: { kind: 'private' } });
  });
});

describe('the Instagram collector classifies refusals', () => {
  it('stops at a 429 and passes on Retry-After', async () => {
    const { fake, collector } = await setup(serve({ current: fakeReply.tooManyRequests(600) }));
    expect(await collectOne(collector)).toMatchObject({
      ok: false,
      error: { kind: 'rate_limited', retryAfterMs: 600_000 },
    });
    expect(sourcesAsked(fake)).toEqual(['current']);
  });

  it('calls login walls everywhere rate_limited', async () => {
    const loginRedirect = fakeReply.redirect(
      `https://www.instagram.com/accounts/login/?next=%2Fp%2F${REEL}%2F`,
    );
    const { collector } = await setup(
      serve({ current: json('graphql-require-login.json', 401), legacy: loginRedirect, page: loginRedirect }),
    );
    expect(await collectOne(collector)).toMatchObject({ ok: false, error: { kind: 'rate_limited' } });
  });

  it('calls a checkpoint blocked', async () => {
    const { collector } = await setup(
      serve({
        current: json('graphql-checkpoint-required.json', 400),
        legacy: json('graphql-checkpoint-required.json', 400),
        page: fakeReply.html('', 403),
      }),
    );
    expect(await collectOne(collector)).toMatchObject({ ok: false, error: { kind: 'blocked' } });
  });

  it('calls server errors everywhere transient', async () => {
    const { collector } = await setup(() => fakeReply.serverError(502));
    expect(await collectOne(collector)).toMatchObject({ ok: false, error: { kind: 'transient' } });
  });

  it('calls timeouts transient', async () => {
    const { collector } = await setup(() => fakeReply.slow(2_000, fakeReply.html('late')), {
      timeoutMs: 150,
    });
    expect(await collectOne(collector)).toMatchObject({ ok: false, error: { kind: 'transient' } });
  });

  it('calls a post page cut off mid-body transient', async () => {
    const page = fixture('post-page-reel.html');
    const { collector } = await setup(serve({ page: fakeReply.truncated(page, 50_000) }));
    expect(await collectOne(collector)).toMatchObject({ ok: false, error: { kind: 'transient' } });
  });

  it('calls garbage everywhere format_changed', async () => {
    const { collector } = await setup(() => fakeReply.garbage());
    expect(await collectOne(collector)).toMatchObject({ ok: false, error: { kind: 'format_changed' } });
  });

  it('calls a redirect off Instagram blocked', async () => {
    const { collector } = await setup(serve({ page: fakeReply.redirect('https://www.facebook.com/login/') }));
    expect(await collectOne(collector)).toMatchObject({ ok: false, error: { kind: 'blocked' } });
  });
});

describe('the Instagram collector never throws', () => {
  it('turns an exploding HTTP client into one transient failure per post', async () => {
    const exploding: HttpClient = { fetch: () => Promise.reject(new Error('socket exploded')) };
    const collector = createInstagramCollector({ http: exploding });
    expect(await collector.collect([instagramRef(REEL), instagramRef(PHOTO)])).toEqual([
      { ok: false, error: { kind: 'transient', message: expect.stringContaining('socket exploded') } },
      { ok: false, error: { kind: 'transient', message: expect.stringContaining('socket exploded') } },
    ]);
  });
});
