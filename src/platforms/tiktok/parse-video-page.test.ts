import { describe, expect, it } from 'vitest';
import type { CollectResult, Observation } from '../types.ts';
import {
  CANONICAL_URL,
  FIXTURE_AUTHOR,
  FIXTURE_VIDEO_ID,
  FIXTURE_VIDEO_URL,
  itemOf,
  loadFixture,
  statsV2Of,
  withVideoDetail,
} from './fixture-pages.ts';
import { parseVideoPage } from './parse-video-page.ts';

const parse = (body: string, finalUrl = CANONICAL_URL) =>
  parseVideoPage({ body, finalUrl }, FIXTURE_VIDEO_ID);

function observed(result: CollectResult): Observation {
  if (!result.ok)
    throw new Error(`expected an observation, got ${result.error.kind}: ${result.error.message}`);
  return result.value;
}

function failedAs(result: CollectResult) {
  if (result.ok) throw new Error('expected a failure, got an observation');
  return result.error;
}

const videoPage = loadFixture('video-page');

describe('a public video page', () => {
  it('yields the exact counts from statsV2, not the rounded numbers beside them', () => {
    const observation = observed(parse(videoPage));
    expect(observation.metrics).toEqual({
      views: 21984337n,
      likes: 1843022n,
      comments: 12874n,
      shares: 40117n,
      saves: 210455n,
    });
    expect(observation.provider).toBe('tiktok-web');
    expect(observation.approximate).toBeUndefined();
  });

  it('yields the caption as description, its first line as title, and the handle as creator', () => {
    const { metadata } = observed(parse(videoPage));
    expect(metadata.title).toBe('Brown butter miso cookies that stay soft for days 🍪✨');
    expect(metadata.description).toMatch(/^Brown butter miso cookies[\s\S]*#recipe$/);
    expect(metadata.description).toContain('\n');
    expect(metadata.creator).toBe(FIXTURE_AUTHOR);
  });

  it("is read the same when reached at the author's own URL", () => {
    expect(observed(parse(videoPage, FIXTURE_VIDEO_URL)).metrics.views).toBe(21984337n);
  });

  it('with only the rounded numeric stats yields them, marked approximate', () => {
    const observation = observed(parse(loadFixture('video-page-stats-only')));
    expect(observation.metrics).toEqual({
      views: 3400000000n,
      likes: 98000000n,
      comments: 730000n,
      shares: 2100000n,
      saves: 5200000n,
    });
    expect(observation.approximate).toBe(true);
  });

  it('with only the numeric stats, some sent as digit strings, reads both kinds', () => {
    const observation = observed(parse(loadFixture('video-page-stats-strings')));
    expect(observation.metrics).toEqual({
      views: 21984337n,
      likes: 1843000n,
      comments: 12874n,
      shares: 40117n,
      saves: 103n,
    });
    expect(observation.approximate).toBe(true);
  });
});

describe('counts are never invented', () => {
  it.each(['1.2M', '-5', '', ' 103', '103 ', '0x10', '1e3', '12,874'])(
    'a fallback count sent as the string %j is no count',
    (garbage) => {
      const page = withVideoDetail(loadFixture('video-page-stats-strings'), (detail) => {
        (itemOf(detail)['stats'] as Record<string, unknown>)['collectCount'] = garbage;
      });
      const observation = observed(parse(page));
      expect(observation.metrics.saves).toBeNull();
      expect(observation.metrics.shares).toBe(40117n);
    },
  );

  it('an abbreviated statsV2 count falls back to the numeric one and marks the reading approximate', () => {
    const page = withVideoDetail(videoPage, (detail) => {
      statsV2Of(detail)['playCount'] = '21.9M';
    });
    const observation = observed(parse(page));
    expect(observation.metrics.views).toBe(21900000n);
    expect(observation.metrics.likes).toBe(1843022n);
    expect(observation.approximate).toBe(true);
  });

  it('a count missing from both blocks is null, not zero', () => {
    const page = withVideoDetail(videoPage, (detail) => {
      delete statsV2Of(detail)['collectCount'];
      const stats = itemOf(detail)['stats'] as Record<string, unknown>;
      delete stats['collectCount'];
    });
    const observation = observed(parse(page));
    expect(observation.metrics.saves).toBeNull();
    expect(observation.metrics.views).toBe(21984337n);
  });

  it.each([
    ['a negative string', '-5', -5],
    ['a fraction', '12.5', 12.5],
    ['an empty string', '', null],
    ['a boolean', true, true],
    ['an object', { value: 1 }, { value: 1 }],
  ])('a count written as %s is null', (_label, exact, rounded) => {
    const page = withVideoDetail(videoPage, (detail) => {
      statsV2Of(detail)['commentCount'] = exact;
      (itemOf(detail)['stats'] as Record<string, unknown>)['commentCount'] = rounded;
    });
    expect(observed(parse(page)).metrics.comments).toBeNull();
  });

  it('a numeric count too large to be exact in JSON is null', () => {
    const page = withVideoDetail(videoPage, (detail) => {
      delete statsV2Of(detail)['playCount'];
      (itemOf(detail)['stats'] as Record<string, unknown>)['playCount'] = 2 ** 60;
    });
    expect(observed(parse(page)).metrics.views).toBeNull();
  });

  it('a count beyond 2^53 written as a string is kept exactly', () => {
    const page = withVideoDetail(videoPage, (detail) => {
      statsV2Of(detail)['playCount'] = '18446744073709551615';
    });
    expect(observed(parse(page)).metrics.views).toBe(18446744073709551615n);
  });

  it('a page with no readable count at all is a format change', () => {
    const page = withVideoDetail(videoPage, (detail) => {
      delete itemOf(detail)['statsV2'];
      delete itemOf(detail)['stats'];
    });
    expect(failedAs(parse(page)).kind).toBe('format_changed');
  });

  it('stats blocks of the wrong type count as absent', () => {
    const page = withVideoDetail(videoPage, (detail) => {
      itemOf(detail)['statsV2'] = [];
      itemOf(detail)['stats'] = 'n/a';
    });
    expect(failedAs(parse(page)).kind).toBe('format_changed');
  });
});

describe('pages that carry no video', () => {
  it('a private video is private', () => {
    expect(failedAs(parse(loadFixture('private-video')))).toMatchObject({ kind: 'private' });
  });

  it('a deleted video is not found and marked deleted', () => {
    expect(failedAs(parse(loadFixture('deleted-video')))).toMatchObject({ kind: 'not_found', deleted: true });
  });

  it("an item that doesn't exist is not found, without claiming it was deleted", () => {
    const failure = failedAs(parse(loadFixture('missing-video')));
    expect(failure.kind).toBe('not_found');
    expect(failure.deleted).toBeUndefined();
  });

  it('a video withheld from this region is blocked', () => {
    expect(failedAs(parse(loadFixture('blocked-video'))).kind).toBe('blocked');
  });

  it('the JavaScript challenge page is blocked', () => {
    expect(failedAs(parse(loadFixture('challenge'))).kind).toBe('blocked');
  });

  it('the login wall is a rate limit on anonymous traffic', () => {
    const failure = failedAs(parse(loadFixture('login-wall'), 'https://www.tiktok.com/login?redirect_url=x'));
    expect(failure.kind).toBe('rate_limited');
  });

  it('a page without video-detail at the video URL is a format change', () => {
    expect(failedAs(parse(loadFixture('login-wall'))).kind).toBe('format_changed');
  });

  it('a redirect away from the video page (a region interstitial) is blocked', () => {
    expect(failedAs(parse(videoPage, 'https://www.tiktok.com/us/about')).kind).toBe('blocked');
  });

  it.each([
    [10216, '', 'private'],
    [10222, '', 'private'],
    [10201, '', 'not_found'],
    [10202, '', 'not_found'],
    [10217, '', 'not_found'],
    [10231, '', 'blocked'],
    [10204, '', 'blocked'],
    [10204, 'author_status,status_reviewing', 'blocked'],
    [10204, 'cross_border_violation_ur', 'blocked'],
    [99999, 'something new', 'format_changed'],
  ])('statusCode %i with message "%s" is %s', (statusCode, statusMsg, kind) => {
    const page = withVideoDetail(loadFixture('private-video'), (detail) => {
      detail['statusCode'] = statusCode;
      detail['statusMsg'] = statusMsg;
    });
    expect(failedAs(parse(page)).kind).toBe(kind);
  });

  it('statusCode 10217 says the video was deleted', () => {
    const page = withVideoDetail(loadFixture('private-video'), (detail) => {
      detail['statusCode'] = 10217;
    });
    expect(failedAs(parse(page)).deleted).toBe(true);
  });
});

describe('pages we cannot read are format changes', () => {
  const edits: Array<[string, (detail: Record<string, unknown>) => void]> = [
    [
      'statusCode is a string',
      (detail) => {
        detail['statusCode'] = '0';
      },
    ],
    ['statusCode is missing', (detail) => delete detail['statusCode']],
    ['itemInfo is missing', (detail) => delete detail['itemInfo']],
    [
      'itemStruct is an array',
      (detail) => {
        detail['itemInfo'] = { itemStruct: [] };
      },
    ],
    [
      'the item is another video',
      (detail) => {
        itemOf(detail)['id'] = '7000000000000000001';
      },
    ],
  ];
  it.each(edits)('when %s', (_label, edit) => {
    expect(failedAs(parse(withVideoDetail(videoPage, edit))).kind).toBe('format_changed');
  });

  it('when the rehydration JSON is cut off', () => {
    const cut = videoPage.replace(
      /("webapp\.video-detail":)[\s\S]*?(<\/script>)/,
      '$1{"statusCode":0,"itemInf$2',
    );
    expect(failedAs(parse(cut)).kind).toBe('format_changed');
  });

  it('when the rehydration JSON has no default scope', () => {
    const page = videoPage.replace(/__DEFAULT_SCOPE__/g, '__OTHER_SCOPE__');
    expect(failedAs(parse(page)).kind).toBe('format_changed');
  });

  it('when the page has no rehydration script and is not a challenge', () => {
    const page = videoPage.replace('__UNIVERSAL_DATA_FOR_REHYDRATION__', 'SIGI_STATE');
    expect(failedAs(parse(page)).kind).toBe('format_changed');
  });

  it('when the body is binary garbage', () => {
    expect(failedAs(parse('\u0000\u00ff\u0013garbage\ufffd')).kind).toBe('format_changed');
  });
});

describe('metadata', () => {
  it('cuts a long single-line caption to a title of 100 characters without splitting an emoji', () => {
    const desc = `${'🍪'.repeat(120)} end`;
    const page = withVideoDetail(videoPage, (detail) => {
      itemOf(detail)['desc'] = desc;
    });
    const { metadata } = observed(parse(page));
    expect(Array.from(metadata.title ?? '')).toHaveLength(100);
    expect(metadata.title?.endsWith('🍪…')).toBe(true);
    expect(metadata.description).toBe(desc);
  });

  it('an empty caption gives no title and no description', () => {
    const page = withVideoDetail(videoPage, (detail) => {
      itemOf(detail)['desc'] = '';
    });
    expect(observed(parse(page)).metadata).toEqual({
      title: null,
      description: null,
      creator: FIXTURE_AUTHOR,
    });
  });

  it('an author given as a plain handle is still the creator', () => {
    const page = withVideoDetail(videoPage, (detail) => {
      itemOf(detail)['author'] = 'someone.else';
    });
    expect(observed(parse(page)).metadata.creator).toBe('someone.else');
  });
});
