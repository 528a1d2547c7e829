import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CollectResult } from '../types.ts';
import { parseTweetsLookup, tweetsLookupUrl } from './api-v2.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

const VIDEO = '1812345678901234567';
const LONG = '1798765432109876543';
const OLD = '1234567890123456789';
const MISSING = '1800000000000000001';
const PROTECTED = '1811111111111111111';
const BATCH = [VIDEO, LONG, OLD, MISSING, PROTECTED];

function resultsOf(body: string, ids: readonly string[]) {
  const lookup = parseTweetsLookup(body, ids);
  if (!lookup.ok) throw new Error(lookup.error.message);
  return lookup.value;
}
function observed(result: CollectResult | undefined) {
  if (!result?.ok) throw new Error('expected counts');
  return result.value;
}

describe('parseTweetsLookup reads a batch', () => {
  it('maps public_metrics to exact counts, shares = retweets + quotes, with the author username', () => {
    const observation = observed(resultsOf(fixture('api-v2-batch.json'), BATCH).get(VIDEO));
    expect(observation.provider).toBe('x-api-v2');
    expect(observation.metrics).toEqual({
      views: 1_844_107n,
      likes: 48_230n,
      comments: 1_339n,
      shares: 9_124n + 689n,
      saves: 2_305n,
    });
    expect(observation.metadata.creator).toBe('skyline_drone');
    expect(observation.metadata.title).toBe(
      'Sunrise over the Dolomites, shot at 5:12 am & not a cloud in sight 🏔️',
    );
  });

  it('answers every id of the batch, in its own result', () => {
    const results = resultsOf(fixture('api-v2-batch.json'), BATCH);
    expect([...results.keys()]).toEqual(BATCH);
    expect(observed(results.get(LONG)).metadata.creator).toBe('valleynewsroom');
  });

  it('reads impression_count 0 on an engaged post from before view counting as unknown views', () => {
    expect(observed(resultsOf(fixture('api-v2-batch.json'), BATCH).get(OLD)).metrics).toEqual({
      views: null,
      likes: 214n,
      comments: 19n,
      shares: 41n,
      saves: 3n,
    });
  });

  it('keeps views 0 on a post nobody has engaged with', () => {
    const body = JSON.stringify({
      data: [
        {
          id: OLD,
          text: 'x',
          public_metrics: {
            like_count: 0,
            reply_count: 0,
            retweet_count: 0,
            quote_count: 0,
            impression_count: 0,
          },
        },
      ],
    });
    expect(observed(resultsOf(body, [OLD]).get(OLD)).metrics.views).toBe(0n);
  });

  it('leaves views null when impression_count is absent', () => {
    const body = fixture('api-v2-batch.json').replace(
      '"impression_count": 1844107',
      '"impression_count_x": 1',
    );
    expect(observed(resultsOf(body, BATCH).get(VIDEO)).metrics.views).toBeNull();
  });

  it('reads "Not Found Error" as a deleted post', () => {
    const result = resultsOf(fixture('api-v2-batch.json'), BATCH).get(MISSING);
    expect(result).toMatchObject({ ok: false, error: { kind: 'not_found', deleted: true } });
  });

  it('reads "Authorization Error" as a private post', () => {
    const result = resultsOf(fixture('api-v2-batch.json'), BATCH).get(PROTECTED);
    expect(result).toMatchObject({ ok: false, error: { kind: 'private' } });
  });

  it('answers a batch whose only post is gone with errors alone', () => {
    const result = resultsOf(fixture('api-v2-all-missing.json'), [MISSING]).get(MISSING);
    expect(result).toMatchObject({ ok: false, error: { kind: 'not_found', deleted: true } });
  });

  it('reports an id absent from both data and errors as format_changed, not as missing', () => {
    const result = resultsOf(fixture('api-v2-batch.json'), [VIDEO, '1999999999999999999']).get(
      '1999999999999999999',
    );
    expect(result).toMatchObject({ ok: false, error: { kind: 'format_changed' } });
  });

  it('reports format_changed for a post without public_metrics', () => {
    const body = JSON.stringify({ data: [{ id: VIDEO, text: 'x' }] });
    expect(resultsOf(body, [VIDEO]).get(VIDEO)).toMatchObject({
      ok: false,
      error: { kind: 'format_changed' },
    });
  });
});

describe('parseTweetsLookup fails a whole batch only when nothing can be read', () => {
  it.each([
    ['an empty body', ''],
    ['a truncated body', fixture('api-v2-batch.json').slice(0, 900)],
    ['HTML', '<html><body>Over capacity</body></html>'],
    ['a problem document', fixture('api-v2-rate-limited.json')],
  ])('%s → format_changed', (_, body) => {
    expect(parseTweetsLookup(body, BATCH)).toMatchObject({ ok: false, error: { kind: 'format_changed' } });
  });
});

describe('tweetsLookupUrl', () => {
  it('asks for all ids in one request with the fields the metrics need', () => {
    const url = new URL(tweetsLookupUrl(BATCH));
    expect(url.origin + url.pathname).toBe('https://api.x.com/2/tweets');
    expect(url.searchParams.get('ids')).toBe(BATCH.join(','));
    expect(url.searchParams.get('tweet.fields')).toBe('public_metrics,author_id,text,created_at');
    expect(url.searchParams.get('expansions')).toBe('author_id');
    expect(url.searchParams.get('user.fields')).toBe('username');
  });
});
