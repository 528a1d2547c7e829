import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CollectResult } from '../types.ts';
import { parseSyndicationTweet, syndicationToken, syndicationUrl } from './syndication.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const VIDEO_ID = '1812345678901234567';

function failed(result: CollectResult) {
  if (result.ok) throw new Error('expected a failure, got counts');
  return result.error;
}

describe('syndicationToken', () => {
  it('writes id / 10^15 × π in base 36 without its point or zeros (id 10^15 gives π: 3.53i5ab8p5f…)', () => {
    expect(syndicationToken('1000000000000000')).toBe('353i5ab8p5f');
  });

  it.each([
    ['20', '6dq1a2xwd93'],
    [VIDEO_ID, '4e5ngtoaibl'],
    ['1629307668568633344', '3y6mctgwzxo'],
  ])('derives the same token for %s every time', (id, token) => {
    expect(syndicationToken(id)).toBe(token);
  });

  it('never contains a zero or a point', () => {
    for (const id of ['1', '100', '1500000000000000000', '1799999999999999999', '9999999999999999999']) {
      expect(syndicationToken(id)).toMatch(/^[1-9a-z]+$/);
    }
  });

  it('goes into the tweet-result URL with the id', () => {
    const url = new URL(syndicationUrl(VIDEO_ID));
    expect(url.origin + url.pathname).toBe('https://cdn.syndication.twimg.com/tweet-result');
    expect(url.searchParams.get('id')).toBe(VIDEO_ID);
    expect(url.searchParams.get('token')).toBe('4e5ngtoaibl');
  });
});

describe('parseSyndicationTweet', () => {
  it('reads likes and replies exactly and leaves views, shares and saves null', () => {
    const result = parseSyndicationTweet(fixture('syndication-video-tweet.json'), VIDEO_ID);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.provider).toBe('x-syndication');
    expect(result.value.metrics).toEqual({
      views: null,
      likes: 48_190n,
      comments: 1_335n,
      shares: null,
      saves: null,
    });
    expect(result.value.metadata).toEqual({
      title: 'Sunrise over the Dolomites, shot at 5:12 am & not a cloud in sight 🏔️',
      creator: 'skyline_drone',
      description:
        'Sunrise over the Dolomites, shot at 5:12 am & not a cloud in sight 🏔️\nFull version on the site. #drone https://t.co/Zx9Yw8Vu7T',
    });
  });

  it('does not take the embedded player viewCount of 0 for views', () => {
    const result = parseSyndicationTweet(fixture('syndication-video-tweet.json'), VIDEO_ID);
    expect(result.ok && result.value.metrics.views).toBeNull();
  });

  it.each([
    ['syndication-tombstone-deleted.json', 'not_found', true],
    ['syndication-tombstone-age-restricted.json', 'private', undefined],
  ])('classifies the tombstone %s as %s', (name, kind, deleted) => {
    const problem = failed(parseSyndicationTweet(fixture(name), VIDEO_ID));
    expect(problem.kind).toBe(kind);
    expect(problem.deleted).toBe(deleted);
  });

  it('reads an empty object as not found, not known deleted', () => {
    const problem = failed(parseSyndicationTweet('{}', VIDEO_ID));
    expect(problem).toMatchObject({ kind: 'not_found' });
    expect(problem.deleted).toBeUndefined();
  });

  it.each([
    ['an empty body', ''],
    ['HTML', '<html>rate limited</html>'],
    ['a truncated body', fixture('syndication-video-tweet.json').slice(0, 700)],
    ['a post without counts', '{"__typename":"Tweet","id_str":"1812345678901234567","text":"hi"}'],
    ['counts of the wrong type', '{"__typename":"Tweet","favorite_count":"12","conversation_count":null}'],
    ['an answer about another post', fixture('syndication-video-tweet.json').replaceAll(VIDEO_ID, '42')],
  ])('reports format_changed for %s', (_, body) => {
    expect(failed(parseSyndicationTweet(body, VIDEO_ID)).kind).toBe('format_changed');
  });
});
