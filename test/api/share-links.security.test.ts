// Share links: made, listed and revoked with a key; opened without one (a browser, a spreadsheet's
// IMPORTDATA). A link shows only its video or campaign, in its own account and mode; a wrong, revoked or
// expired token gets the very answer of an unknown one.
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardAssets } from '../../src/api/dashboard/assets.ts';
import { TestClock } from '../../src/clock.ts';
import { ADMIN_TOKEN, createTestApi, type TestApi } from '../support/api.ts';
import { csvObjects } from '../support/csv.ts';
import { createTestEngine, scriptedCollector } from '../support/engine.ts';
import { DIALECTS } from '../support/stores.ts';

const HOUR = 3_600_000;
const START = Date.parse('2024-01-29T10:00:00.000Z');
const HOSTILE_TITLE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>';

/** A GET as IMPORTDATA makes it: no key, no cookie, no Accept — only what HTTP itself needs (Host). */
function plainGet(port: number, path: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'GET', headers: {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe.each(DIALECTS)('share links (%s)', (dialect) => {
  let api: TestApi;
  let port: number;
  let key: string;
  let liveKey: string;
  let otherKey: string;
  let accountId: string;
  const ids: Record<string, string> = {};

  const create = (body: unknown, k = key) => api.call('POST', '/api/v1/share-links', { key: k, body });
  const open = (path: string) => api.call('GET', path);

  beforeAll(async () => {
    const clock = new TestClock(START);
    const script = scriptedCollector('tiktok', clock);
    api = await createTestApi(dialect, {
      clock,
      liveCollectors: { tiktok: script.collector },
      config: { publicBaseUrl: 'https://stats.example.com' },
    });
    const account = await api.createAccount({ creditUsd: 10 });
    ({ testKey: key, liveKey, id: accountId } = account);
    otherKey = (await api.createAccount()).testKey;
    const track = async (k: string, id: string, tags: string[]) => {
      const response = await api.call('POST', '/api/v1/videos/track', {
        key: k,
        body: {
          video_link: `https://www.tiktok.com/@a/video/73000000000000000${id}`,
          duration_days: 1,
          tags,
        },
      });
      expect(response.statusCode).toBe(201);
      clock.advance(1_000);
      return response.json().id as string;
    };
    ids.launch = await track(key, '17', ['Spring Launch']);
    ids.launchToo = await track(key, '27', ['spring launch', 'Week 1']);
    ids.untagged = await track(key, '37', []);
    ids.live = await track(liveKey, '47', ['Spring Launch']);
    ids.other = await track(otherKey, '57', ['Spring Launch']);
    const engine = createTestEngine(api);
    for (const hour of [1, 2]) {
      clock.set(START + hour * HOUR + 10_000);
      await engine.runDue();
    }
    await api.store.db
      .updateTable('videos')
      .set({ title: HOSTILE_TITLE })
      .where('id', '=', ids.launch!)
      .execute();
    await api.app.listen({ port: 0, host: '127.0.0.1' });
    port = (api.app.server.address() as AddressInfo).port;
  });
  afterAll(() => api.close());

  it('creates a link to a video: 201 with the token once, its URL under PUBLIC_BASE_URL, only a hash stored', async () => {
    const response = await create({ video_id: ids.launch });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body).toMatchObject({
      video_id: ids.launch,
      tag: null,
      mode: 'test',
      origin: 'api',
      status: 'active',
      expires_at: null,
      revoked_at: null,
    });
    expect(body.token).toMatch(/^shr_[0-9A-Za-z]{32}$/);
    expect(body.url).toBe(`https://stats.example.com/s/${body.token}`);
    const row = await api.store.db
      .selectFrom('share_links')
      .selectAll()
      .where('id', '=', body.id)
      .executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(createHash('sha256').update(body.token).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(body.token);
    // Listed without its token.
    const listed = (await api.call('GET', '/api/v1/share-links', { key })).json().share_links;
    expect(listed.find((l: { id: string }) => l.id === body.id)).toEqual({
      id: body.id,
      prefix: body.token.slice(0, 10),
      video_id: ids.launch,
      tag: null,
      mode: 'test',
      origin: 'api',
      status: 'active',
      created_at: body.created_at,
      expires_at: null,
      revoked_at: null,
    });
    expect(JSON.stringify(listed)).not.toContain(body.token);
  });

  it('serves the video’s CSV to a plain GET with no header at all, as IMPORTDATA fetches it', async () => {
    const { token } = (await create({ video_id: ids.launch })).json();
    const csv = await plainGet(port, `/s/${token}.csv`);
    expect(csv.status).toBe(200);
    expect(csv.type).toBe('text/csv; charset=utf-8');
    const rows = csvObjects(csv.body);
    expect(rows.map((r) => [r.video_id, r.slot])).toEqual([
      [ids.launch, '0'],
      [ids.launch, '1'],
      [ids.launch, '2'],
    ]);
    // The same rows the account's own export gives for that video.
    const own = csvObjects((await api.call('GET', '/api/v1/exports/snapshots', { key })).body);
    expect(rows).toEqual(own.filter((r) => r.video_id === ids.launch));
    // A spreadsheet reading it meets no formula: the title's "<" is harmless there, and kept.
    expect(rows[0]!.title).toBe(HOSTILE_TITLE);
    const videos = csvObjects((await plainGet(port, `/s/${token}.csv?rows=videos`)).body);
    expect(videos.map((r) => r.video_id)).toEqual([ids.launch]);
    // A bad parameter is a 400 for an open link, and says nothing for one that does not open.
    const badRows = await open(`/s/${token}.csv?rows=ledger`);
    expect([badRows.statusCode, badRows.json().details]).toEqual([
      400,
      [{ field: 'rows', message: 'rows must be snapshots or videos' }],
    ]);
    expect((await open(`/s/shr_${'B'.repeat(32)}.csv?rows=ledger`)).statusCode).toBe(404);
    const json = await plainGet(port, `/s/${token}.json`);
    expect([json.status, json.type]).toEqual([200, 'application/json; charset=utf-8']);
    const array = JSON.parse(json.body) as { video_id: string; views: string }[];
    expect(array.map((r) => r.video_id)).toEqual([ids.launch, ids.launch, ids.launch]);
    expect(array.map((r) => r.views)).toEqual(rows.map((r) => r.views));
  });

  it('a campaign link shows the account’s videos carrying the tag in its mode, and nothing else', async () => {
    const response = await create({ tag: 'SPRING LAUNCH' });
    expect(response.statusCode).toBe(201);
    const { token, tag } = response.json();
    expect(tag).toBe('SPRING LAUNCH');
    const videos = csvObjects((await plainGet(port, `/s/${token}.csv?rows=videos`)).body);
    // Not the untagged video, not the live one with the same tag, not the other account's.
    expect(videos.map((r) => r.video_id)).toEqual([ids.launch, ids.launchToo]);
    expect(videos.map((r) => r.tags)).toEqual(['Spring Launch', 'spring launch, Week 1']);
    const snapshots = csvObjects((await plainGet(port, `/s/${token}.csv`)).body);
    expect(new Set(snapshots.map((r) => r.video_id))).toEqual(new Set([ids.launch, ids.launchToo]));
    expect(snapshots).toHaveLength(6);
    const page = await plainGet(port, `/s/${token}`);
    expect(page.status).toBe(200);
    for (const hidden of [ids.untagged, ids.live, ids.other]) {
      const row = await api.store.db
        .selectFrom('videos')
        .select('canonical_url')
        .where('id', '=', hidden!)
        .executeTakeFirstOrThrow();
      expect(page.body).not.toContain(row.canonical_url);
    }
    // A tag link made with the live key shows the live world only.
    const live = (await create({ tag: 'spring launch' }, liveKey)).json();
    const liveRows = csvObjects((await plainGet(port, `/s/${live.token}.csv?rows=videos`)).body);
    expect(liveRows.map((r) => r.video_id)).toEqual([ids.live]);
  });

  it('serves a read-only page: every value escaped, no inline script, only the dashboard’s chart', async () => {
    const { token } = (await create({ video_id: ids.launch })).json();
    const page = await open(`/s/${token}`);
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['cache-control']).toBe('no-store');
    // No tag from the title survives as markup (its text, onerror= included, is shown escaped); the one script
    // is the dashboard's chart, from its own file.
    expect(page.body).not.toMatch(/<img/i);
    expect(page.body.match(/<script[^>]*>/gi)).toEqual([
      `<script type="module" src="/assets/${dashboardAssets().version}/share.js">`,
    ]);
    expect(page.body).toContain(
      '&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;',
    );
    expect(page.body).toContain(`href="${token}.csv"`);
    // Its snapshots, and the style the CSP allows by hash.
    expect((page.body.match(/<tr><td>2024-01-29/g) ?? []).length).toBe(3);
    const style = /<style>(.*?)<\/style>/s.exec(page.body)![1]!;
    expect(csp).toContain(`'sha256-${createHash('sha256').update(style).digest('base64')}'`);
  });

  it('answers a wrong, malformed, revoked or expired token with the same 404 as an unknown one', async () => {
    const strip = (r: Awaited<ReturnType<typeof open>>) => {
      const { date: _d, 'x-request-id': _r, ...headers } = r.headers;
      return { status: r.statusCode, headers, body: r.body };
    };
    const unknown = strip(await open(`/s/shr_${'A'.repeat(32)}.csv`));
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body)).toEqual({ error: 'Not found' });

    const revoked = (await create({ video_id: ids.launch })).json();
    expect((await open(`/s/${revoked.token}.csv`)).statusCode).toBe(200);
    const deleted = await api.call('DELETE', `/api/v1/share-links/${revoked.id}`, { key });
    expect([deleted.statusCode, deleted.json()]).toEqual([200, { id: revoked.id, revoked: true }]);

    const expiring = (
      await create({ video_id: ids.launch, expires_at: new Date(api.clock.now() + HOUR).toISOString() })
    ).json();
    expect(expiring.expires_at).toBe(new Date(api.clock.now() + HOUR).toISOString());
    expect((await open(`/s/${expiring.token}.csv`)).statusCode).toBe(200);
    api.clock.advance(HOUR);

    for (const suffix of ['.csv', '.json', '']) {
      const same = strip(await open(`/s/shr_${'A'.repeat(32)}${suffix}`));
      for (const path of [
        `/s/${revoked.token}${suffix}`,
        `/s/${expiring.token}${suffix}`,
        `/s/${revoked.token.slice(0, -1)}x${suffix}`,
        `/s/not-a-token${suffix}`,
        `/s/${revoked.token.toLowerCase()}${suffix}`,
      ]) {
        expect(strip(await open(path)), path).toEqual(same);
      }
      expect(same).toEqual(unknown);
    }
    const statuses = (await api.call('GET', '/api/v1/share-links', { key })).json().share_links;
    expect(statuses.find((l: { id: string }) => l.id === revoked.id).status).toBe('revoked');
    expect(statuses.find((l: { id: string }) => l.id === expiring.id).status).toBe('expired');
  });

  it('revokes only the caller’s own links, once; another account or mode gets 404', async () => {
    const link = (await create({ video_id: ids.launch })).json();
    for (const k of [otherKey, liveKey]) {
      const refused = await api.call('DELETE', `/api/v1/share-links/${link.id}`, { key: k });
      expect([refused.statusCode, refused.json()]).toEqual([404, { error: 'Share link not found' }]);
      const listed = (await api.call('GET', '/api/v1/share-links', { key: k })).json().share_links;
      expect(listed.map((l: { id: string }) => l.id)).not.toContain(link.id);
    }
    expect((await open(`/s/${link.token}.csv`)).statusCode).toBe(200);
    expect((await api.call('DELETE', `/api/v1/share-links/${link.id}`, { key })).statusCode).toBe(200);
    expect((await api.call('DELETE', `/api/v1/share-links/${link.id}`, { key })).statusCode).toBe(404);
    expect((await api.call('DELETE', `/api/v1/share-links/${'x'.repeat(300)}`, { key })).statusCode).toBe(
      404,
    );
  });

  it('refuses bad requests: 400 naming the field, 404 for a video that is not the caller’s', async () => {
    const fields = async (body: unknown) => {
      const response = await create(body);
      expect(response.statusCode).toBe(400);
      return response.json().details.map((d: { field: string }) => d.field);
    };
    expect(await fields({})).toEqual(['video_id']);
    expect(await fields({ video_id: ids.launch, tag: 'Spring Launch' })).toEqual(['video_id']);
    expect(await fields({ tag: 'x'.repeat(65) })).toEqual(['tag']);
    expect(await fields({ tag: 'a\u0000b' })).toEqual(['tag']);
    expect(await fields({ video_id: ids.launch, expires_at: 'tomorrow' })).toEqual(['expires_at']);
    expect(
      await fields({ video_id: ids.launch, expires_at: new Date(api.clock.now()).toISOString() }),
    ).toEqual(['expires_at']);
    for (const [video, k] of [
      [ids.other, key],
      [ids.live, key],
      [ids.launch, liveKey],
      ['vid_unknown', key],
    ] as const) {
      const response = await create({ video_id: video }, k);
      expect([response.statusCode, response.json()]).toEqual([404, { error: 'Video not found' }]);
    }
    expect(
      (await api.call('POST', '/api/v1/share-links', { body: { video_id: ids.launch } })).statusCode,
    ).toBe(401);
  });

  it('stops opening when its account is disabled', async () => {
    const { token } = (await create({ video_id: ids.launch })).json();
    expect((await open(`/s/${token}.json`)).statusCode).toBe(200);
    const patch = (disabled: boolean) =>
      api.call('PATCH', `/admin/v1/accounts/${accountId}`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        body: { disabled },
      });
    expect((await patch(true)).statusCode).toBe(200);
    expect((await open(`/s/${token}.json`)).statusCode).toBe(404);
    expect((await patch(false)).statusCode).toBe(200);
    expect((await open(`/s/${token}.json`)).statusCode).toBe(200);
  });
});
