import { describe, expect, it } from 'vitest';
import { parseVideoUrl } from './parse-video-url.ts';

const TT = '7301234567890123456';

describe('parseVideoUrl accepts every documented URL form', () => {
  it.each([
    [`https://www.tiktok.com/@some.user/video/${TT}`, 'tiktok', TT, `https://www.tiktok.com/@_/video/${TT}`],
    [
      `https://WWW.TikTok.com/@some.user/video/${TT}/?is_from_webapp=1&sender_device=pc`,
      'tiktok',
      TT,
      undefined,
    ],
    [`https://m.tiktok.com/@u/video/${TT}`, 'tiktok', TT, undefined],
    [`tiktok.com/@u/video/${TT}`, 'tiktok', TT, undefined],
    [`https://www.tiktok.com/embed/v2/${TT}`, 'tiktok', TT, undefined],
    [
      'https://www.youtube.com/watch?v=dQw4w9WgXcQ',
      'youtube',
      'dQw4w9WgXcQ',
      'https://www.youtube.com/watch?v=dQw4w9WgXcQ',
    ],
    ['https://www.youtube.com/watch?feature=share&v=dQw4w9WgXcQ&t=42s', 'youtube', 'dQw4w9WgXcQ', undefined],
    ['https://youtu.be/dQw4w9WgXcQ?si=abc', 'youtube', 'dQw4w9WgXcQ', undefined],
    ['https://www.youtube.com/embed/dQw4w9WgXcQ', 'youtube', 'dQw4w9WgXcQ', undefined],
    ['https://youtube.com/shorts/dQw4w9WgXcQ/', 'youtube', 'dQw4w9WgXcQ', undefined],
    ['https://www.youtube.com/live/dQw4w9WgXcQ?feature=share', 'youtube', 'dQw4w9WgXcQ', undefined],
    ['https://m.youtube.com/watch?v=dQw4w9WgXcQ', 'youtube', 'dQw4w9WgXcQ', undefined],
    [
      'https://www.instagram.com/p/CxYz12AbCdE/',
      'instagram',
      'CxYz12AbCdE',
      'https://www.instagram.com/p/CxYz12AbCdE/',
    ],
    ['https://instagram.com/reel/CxYz12AbCdE', 'instagram', 'CxYz12AbCdE', undefined],
    ['https://www.instagram.com/reels/CxYz12AbCdE/?igsh=xyz', 'instagram', 'CxYz12AbCdE', undefined],
    ['https://www.instagram.com/tv/CxYz12AbCdE/', 'instagram', 'CxYz12AbCdE', undefined],
    ['https://www.instagram.com/natgeo/reel/CxYz12AbCdE/', 'instagram', 'CxYz12AbCdE', undefined],
    ['https://twitter.com/jack/status/20', 'twitter', '20', 'https://x.com/i/status/20'],
    ['https://x.com/NASA/status/1712345678901234567?s=20', 'twitter', '1712345678901234567', undefined],
    [
      'https://mobile.twitter.com/NASA/status/1712345678901234567',
      'twitter',
      '1712345678901234567',
      undefined,
    ],
    ['https://www.x.com/i/web/status/1712345678901234567', 'twitter', '1712345678901234567', undefined],
    ['https://x.com/NASA/status/1712345678901234567/video/1', 'twitter', '1712345678901234567', undefined],
  ])('%s → %s %s', (input, platform, videoId, canonical) => {
    const parsed = parseVideoUrl(input);
    expect(parsed.kind).toBe('video');
    if (parsed.kind !== 'video') return;
    expect(parsed.ref.platform).toBe(platform);
    expect(parsed.ref.videoId).toBe(videoId);
    if (canonical) expect(parsed.ref.canonicalUrl).toBe(canonical);
  });

  it.each([
    ['https://vm.tiktok.com/ZMabc123/', 'https://vm.tiktok.com/ZMabc123/'],
    ['https://vt.tiktok.com/ZSxyz789', 'https://vt.tiktok.com/ZSxyz789/'],
    ['https://www.tiktok.com/t/ZT8abcdef/', 'https://www.tiktok.com/t/ZT8abcdef/'],
  ])('TikTok short link %s is rebuilt from its code', (input, shortUrl) => {
    expect(parseVideoUrl(input)).toEqual({ kind: 'short_link', platform: 'tiktok', shortUrl });
  });
});

describe('parseVideoUrl refuses what is not a public video link', () => {
  it.each([
    ['empty', ''],
    ['javascript scheme', 'javascript:alert(1)'],
    ['ftp scheme', 'ftp://www.tiktok.com/@u/video/7301234567890123456'],
    ['data scheme', 'data:text/html,hi'],
    ['other host', 'https://vimeo.com/123456'],
    ['lookalike host', `https://tiktok.com.evil.example/@u/video/${TT}`],
    ['IPv4 literal', 'http://127.0.0.1/watch?v=dQw4w9WgXcQ'],
    ['IPv4 in decimal', 'http://2130706433/watch?v=dQw4w9WgXcQ'],
    ['IPv6 literal', 'http://[::1]/watch?v=dQw4w9WgXcQ'],
    ['credentials', 'https://user:pass@www.youtube.com/watch?v=dQw4w9WgXcQ'],
    ['port', 'https://www.youtube.com:8443/watch?v=dQw4w9WgXcQ'],
    ['too long', `https://www.youtube.com/watch?v=dQw4w9WgXcQ&x=${'a'.repeat(2100)}`],
    ['YouTube channel', 'https://www.youtube.com/@somechannel'],
    ['YouTube short id', 'https://youtu.be/abc'],
    ['TikTok profile', 'https://www.tiktok.com/@someone'],
    ['TikTok non-numeric id', 'https://www.tiktok.com/@u/video/abc'],
    ['Instagram profile', 'https://www.instagram.com/natgeo/'],
    ['X profile', 'https://x.com/NASA'],
    ['X non-numeric id', 'https://x.com/NASA/status/abc'],
    ['not a URL', 'not a url at all'],
    // Host names (lower-cased by URL parsing) that are also property names of every plain object.
    ['the host "constructor"', 'constructor'],
    ['the host "__proto__"', '__proto__'],
    ['"__proto__" after www.', 'https://www.__proto__/x'],
    // Control characters: URL parsing would drop or encode them, but the link is also kept as submitted.
    ['a NUL at the end', `https://www.tiktok.com/@u/video/${TT}\u0000`],
    ['a NUL in the host', `https://www.tik\u0000tok.com/@u/video/${TT}`],
    ['a tab in the path', `https://www.tiktok.com/@u/vi\tdeo/${TT}`],
    ['a DEL in the query', `https://www.youtube.com/watch?v=dQw4w9WgXcQ&x=\u007f`],
  ])('%s', (_name, input) => {
    const parsed = parseVideoUrl(input);
    expect(parsed.kind).toBe('invalid');
  });
});
