import { describe, expect, it } from 'vitest';
import { tweetMetadata, tweetTitle, unescapeTweetText } from './tweet-metadata.ts';

describe('tweet metadata', () => {
  it('unescapes the three entities X escapes, once', () => {
    expect(unescapeTweetText('a &amp; b &lt;3 &gt; &amp;lt;')).toBe('a & b <3 > &lt;');
  });

  it('titles a post by its first non-empty line without the trailing media link', () => {
    expect(tweetTitle('\n  First line  \nsecond https://t.co/Ab12')).toBe('First line');
    expect(tweetTitle('Only a clip https://t.co/Ab12 https://t.co/Cd34')).toBe('Only a clip');
  });

  it('cuts a long title to 100 characters, counting emoji as one', () => {
    const title = tweetTitle(`${'🎬'.repeat(120)}`);
    expect(Array.from(title ?? '')).toHaveLength(100);
    expect(title?.endsWith('…')).toBe(true);
  });

  it('has no title for a post that is only a media link', () => {
    expect(tweetMetadata('https://t.co/Ab12', 'someone')).toEqual({
      title: null,
      creator: 'someone',
      description: 'https://t.co/Ab12',
    });
  });

  it('has nulls, not empty strings, for what is unknown', () => {
    expect(tweetMetadata(null, '')).toEqual({ title: null, creator: null, description: null });
  });
});
