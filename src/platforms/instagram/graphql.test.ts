import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { OutboundResponse } from '../../http/types.ts';
import {
  CURRENT_POST_QUERY,
  LEGACY_POST_QUERY,
  postQueryBody,
  postQueryHeaders,
  readPostQueryResponse,
} from './graphql.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const NOW = Date.parse('2026-01-15T10:00:00.000Z');
const REEL = 'C3wq-PRO_fT';
const PHOTO = 'DA1b2C3d4E5';

function answer(body: string, status = 200, extra: Partial<OutboundResponse> = {}): OutboundResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body,
    finalUrl: 'https://www.instagram.com/graphql/query',
    redirects: [],
    ...extra,
  };
}
const read = (response: OutboundResponse, shortcode = REEL) =>
  readPostQueryResponse(response, shortcode, 'instagram-graphql', NOW);

describe('the post queries are asked like the web app asks them', () => {
  it('sends doc_id and the shortcode as form fields', () => {
    const form = new URLSearchParams(postQueryBody(CURRENT_POST_QUERY, REEL));
    expect(form.get('doc_id')).toBe(CURRENT_POST_QUERY.docId);
    expect(JSON.parse(form.get('variables') ?? '')).toEqual({ shortcode: REEL });
  });

  it('names the older query as the web app does', () => {
    const form = new URLSearchParams(postQueryBody(LEGACY_POST_QUERY, REEL));
    expect(form.get('fb_api_req_friendly_name')).toBe('PolarisPostActionLoadPostQueryQuery');
    expect(JSON.parse(form.get('variables') ?? '')).toMatchObject({ shortcode: REEL });
  });

  it('sends the session cookie only when one is configured', () => {
    expect(postQueryHeaders(CURRENT_POST_QUERY, REEL).Cookie).toBeUndefined();
    expect(postQueryHeaders(CURRENT_POST_QUERY, REEL, 'abc%3A123').Cookie).toBe('sessionid=abc%3A123');
  });
});

describe('answers in the newer "v1 media" shape', () => {
  it('give exact plays, likes and comments of a reel', () => {
    expect(read(answer(fixture('graphql-web-info-reel.json')))).toEqual({
      ok: true,
      value: {
        metrics: { views: 2_418_377n, likes: 183_204n, comments: 4_821n, shares: null, saves: null },
        metadata: {
          title: null,
          creator: 'riverworkshop',
          description:
            'Launch day 🚣 ten days of building, one sheet of plywood.\n#boatbuilding #diy "stitch and glue" {fast}',
        },
        provider: 'instagram-graphql',
      },
    });
  });

  it('give no views for a photo, rather than 0', () => {
    expect(read(answer(fixture('graphql-web-info-photo.json')), PHOTO)).toMatchObject({
      ok: true,
      value: {
        metrics: { views: null, likes: 12_873n, comments: 345n, shares: null, saves: null },
        metadata: { creator: 'breadscience', description: 'Crumb shot of the week.' },
      },
    });
  });

  it('null the likes and views an owner hid, keeping comments', () => {
    expect(read(answer(fixture('graphql-web-info-counts-hidden.json')))).toMatchObject({
      ok: true,
      value: { metrics: { views: null, likes: null, comments: 4_821n } },
    });
  });

  it('call a post of a private account private', () => {
    expect(read(answer(fixture('graphql-web-info-private-account.json')))).toMatchObject({
      ok: false,
      error: { kind: 'private' },
    });
  });

  it('call a null answer not_found', () => {
    expect(read(answer(fixture('graphql-web-info-null.json')))).toMatchObject({
      ok: false,
      error: { kind: 'not_found' },
    });
  });

  it('do not take another post for the one asked', () => {
    expect(read(answer(fixture('graphql-web-info-reel.json')), PHOTO)).toMatchObject({
      ok: false,
      error: { kind: 'format_changed' },
    });
  });
});

describe('answers in the older xdt_shortcode_media shape', () => {
  it('give plays (not the lower view count), likes and comments', () => {
    expect(read(answer(fixture('graphql-shortcode-media-reel.json')))).toEqual({
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
  });

  it('call data.xdt_shortcode_media: null not_found', () => {
    expect(read(answer(fixture('graphql-shortcode-media-null.json')))).toMatchObject({
      ok: false,
      error: { kind: 'not_found' },
    });
  });

  it('call a null answer for a private-post shortcode private', () => {
    const privateShortcode = `${REEL}${'Q'.repeat(28)}`;
    expect(read(answer(fixture('graphql-shortcode-media-null.json')), privateShortcode)).toMatchObject({
      ok: false,
      error: { kind: 'private' },
    });
  });
});

describe('refusals and odd answers are classified', () => {
  it('call require_login rate_limited', () => {
    expect(read(answer(fixture('graphql-require-login.json'), 401))).toMatchObject({
      ok: false,
      error: { kind: 'rate_limited', message: expect.stringContaining('wait a few minutes') },
    });
  });

  it('call a redirect to the login page rate_limited', () => {
    const redirect = answer('', 302, {
      headers: { location: 'https://www.instagram.com/accounts/login/?next=%2Fgraphql%2Fquery' },
    });
    expect(read(redirect)).toMatchObject({ ok: false, error: { kind: 'rate_limited' } });
  });

  it('call a checkpoint blocked', () => {
    expect(read(answer(fixture('graphql-checkpoint-required.json'), 400))).toMatchObject({
      ok: false,
      error: { kind: 'blocked' },
    });
  });

  it('pass on Retry-After from a 429', () => {
    expect(read(answer('', 429, { headers: { 'retry-after': '300' } }))).toEqual({
      ok: false,
      error: { kind: 'rate_limited', message: expect.any(String), retryAfterMs: 300_000 },
    });
  });

  it('call a retired doc_id format_changed', () => {
    expect(read(answer(fixture('graphql-retired-doc-id.json')))).toMatchObject({
      ok: false,
      error: { kind: 'format_changed' },
    });
  });

  it('call a server error transient', () => {
    expect(read(answer('<html>oops</html>', 502))).toMatchObject({
      ok: false,
      error: { kind: 'transient' },
    });
  });

  it('call a 200 that is not JSON format_changed', () => {
    expect(read(answer('<!DOCTYPE html><html></html>'))).toMatchObject({
      ok: false,
      error: { kind: 'format_changed' },
    });
  });

  it('call counts of the wrong type format_changed when none is left', () => {
    const body = JSON.stringify({
      data: {
        xdt_shortcode_media: {
          shortcode: REEL,
          edge_media_preview_like: { count: '12k' },
          video_play_count: -1,
        },
      },
    });
    expect(read(answer(body))).toMatchObject({ ok: false, error: { kind: 'format_changed' } });
  });
});
