import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CollectResult } from '../types.ts';
import { parseTweetResultByRestId, tweetResultByRestIdUrl } from './graphql.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

function observed(result: CollectResult) {
  if (!result.ok) throw new Error(`expected counts, got ${result.error.kind}: ${result.error.message}`);
  return result.value;
}
function failed(result: CollectResult) {
  if (result.ok) throw new Error('expected a failure, got counts');
  return result.error;
}

describe('parseTweetResultByRestId reads a post', () => {
  it('reads the exact counts of a video post, with shares = retweets + quotes', () => {
    const observation = observed(
      parseTweetResultByRestId(fixture('graphql-video-tweet.json'), '1812345678901234567'),
    );
    expect(observation.provider).toBe('x-graphql');
    expect(observation.metrics).toEqual({
      views: 1_843_921n,
      likes: 48_213n,
      comments: 1_337n,
      shares: 9_120n + 688n,
      saves: 2_301n,
    });
  });

  it('names the creator from the user core and titles the post by its first line', () => {
    const { metadata } = observed(
      parseTweetResultByRestId(fixture('graphql-video-tweet.json'), '1812345678901234567'),
    );
    expect(metadata.creator).toBe('skyline_drone');
    expect(metadata.title).toBe('Sunrise over the Dolomites, shot at 5:12 am & not a cloud in sight 🏔️');
    expect(metadata.description).toBe(
      'Sunrise over the Dolomites, shot at 5:12 am & not a cloud in sight 🏔️\nFull version on the site. #drone https://t.co/Zx9Yw8Vu7T',
    );
  });

  it('unwraps TweetWithVisibilityResults and reads the creator from the older user legacy', () => {
    const observation = observed(
      parseTweetResultByRestId(fixture('graphql-visibility-results.json'), '1798765432109876543'),
    );
    expect(observation.metrics).toEqual({
      views: 90_210n,
      likes: 1_204n,
      comments: 88n,
      shares: 353n,
      saves: 57n,
    });
    expect(observation.metadata.creator).toBe('valleynewsroom');
  });

  it('takes the whole text of a long post from its note_tweet, not the cut legacy text', () => {
    const { metadata } = observed(
      parseTweetResultByRestId(fixture('graphql-visibility-results.json'), '1798765432109876543'),
    );
    expect(metadata.description).toMatch(/will stay shut at least until Thursday\. Video from our drone/);
    expect(metadata.description).toContain('below its peak & falling');
    expect(metadata.title).toBe('Flood update, 4 pm: the river is now 30 cm below its peak & falling.');
  });

  it('leaves views null when the view state is not EnabledWithCount, keeping every other count', () => {
    const observation = observed(
      parseTweetResultByRestId(fixture('graphql-views-without-count.json'), '1234567890123456789'),
    );
    expect(observation.metrics).toEqual({ views: null, likes: 214n, comments: 19n, shares: 41n, saves: 3n });
    expect(observation.metadata.title).toBe('the 1998 bus stop interview');
  });

  it('ignores a view count whose state says it is not to be shown', () => {
    const body = fixture('graphql-video-tweet.json').replace('"EnabledWithCount"', '"Enabled"');
    expect(observed(parseTweetResultByRestId(body, '1812345678901234567')).metrics.views).toBeNull();
  });

  it('parses a view count beyond 2^53 exactly', () => {
    const body = fixture('graphql-video-tweet.json').replace('"1843921"', '"9007199254740993"');
    expect(observed(parseTweetResultByRestId(body, '1812345678901234567')).metrics.views).toBe(
      9_007_199_254_740_993n,
    );
  });

  it('turns a missing or wrongly typed count into null, never 0', () => {
    const value = JSON.parse(fixture('graphql-video-tweet.json'));
    const legacy = value.data.tweetResult.result.legacy;
    delete legacy.bookmark_count;
    legacy.quote_count = '688';
    legacy.favorite_count = 48213.5;
    value.data.tweetResult.result.views.count = '1.8M';
    const metrics = observed(parseTweetResultByRestId(JSON.stringify(value), '1812345678901234567')).metrics;
    expect(metrics).toEqual({ views: null, likes: null, comments: 1_337n, shares: null, saves: null });
  });

  it('reports format_changed when the post carries no count at all', () => {
    const value = JSON.parse(fixture('graphql-video-tweet.json'));
    const legacy = value.data.tweetResult.result.legacy;
    for (const key of ['favorite_count', 'reply_count', 'retweet_count', 'quote_count', 'bookmark_count']) {
      delete legacy[key];
    }
    delete value.data.tweetResult.result.views;
    expect(failed(parseTweetResultByRestId(JSON.stringify(value), '1812345678901234567')).kind).toBe(
      'format_changed',
    );
  });

  it('refuses an answer about another post', () => {
    expect(failed(parseTweetResultByRestId(fixture('graphql-video-tweet.json'), '1')).kind).toBe(
      'format_changed',
    );
  });
});

describe('parseTweetResultByRestId classifies what X shows instead of a post', () => {
  it.each([
    ['graphql-tombstone-deleted.json', 'not_found', true],
    ['graphql-tombstone-protected.json', 'private', undefined],
    ['graphql-tombstone-suspended.json', 'private', undefined],
    ['graphql-unavailable-protected.json', 'private', undefined],
    ['graphql-unavailable-nsfw.json', 'private', undefined],
    ['graphql-no-status-found.json', 'not_found', true],
    ['graphql-empty-data.json', 'not_found', undefined],
    ['graphql-empty-tweet-result.json', 'not_found', undefined],
    ['graphql-rate-limited.json', 'rate_limited', undefined],
    ['graphql-bad-guest-token.json', 'blocked', undefined],
    ['graphql-features-missing.json', 'format_changed', undefined],
  ])('%s → %s', (name, kind, deleted) => {
    const problem = failed(parseTweetResultByRestId(fixture(name), '1812345678901234567'));
    expect(problem.kind).toBe(kind);
    expect(problem.deleted).toBe(deleted);
    expect(problem.message).toMatch(/^x-graphql: /);
  });

  it.each([
    ['an empty body', ''],
    ['an HTML challenge page', '<!DOCTYPE html><html><body>Something went wrong</body></html>'],
    ['a truncated body', fixture('graphql-video-tweet.json').slice(0, 2000)],
    ['a JSON array', '[]'],
    ['an unknown result type', '{"data":{"tweetResult":{"result":{"__typename":"TweetPreview"}}}}'],
  ])('reports format_changed for %s', (_, body) => {
    expect(failed(parseTweetResultByRestId(body, '1812345678901234567')).kind).toBe('format_changed');
  });
});

describe('tweetResultByRestIdUrl', () => {
  it('asks api.x.com for the post by id with JSON variables and features', () => {
    const url = new URL(tweetResultByRestIdUrl('1812345678901234567', 'abcQueryId'));
    expect(url.origin + url.pathname).toBe('https://api.x.com/graphql/abcQueryId/TweetResultByRestId');
    expect(JSON.parse(url.searchParams.get('variables') ?? '')).toMatchObject({
      tweetId: '1812345678901234567',
    });
    expect(JSON.parse(url.searchParams.get('features') ?? '')).toMatchObject({
      view_counts_everywhere_api_enabled: true,
      longform_notetweets_consumption_enabled: true,
    });
  });

  it.each(['1812345678901234567', 'not&a "post" id'])(
    'sends the variables exactly as the web app encodes them (%s)',
    (tweetId) => {
      const url = new URL(tweetResultByRestIdUrl(tweetId, 'abcQueryId'));
      expect(url.searchParams.get('variables')).toBe(
        JSON.stringify({ tweetId, withCommunity: false, includePromotedContent: false, withVoice: false }),
      );
    },
  );
});
