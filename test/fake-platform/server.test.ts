import { afterEach, describe, expect, it } from 'vitest';
import { type FakePlatform, fakeReply, startFakePlatform } from './server.ts';

let fake: FakePlatform | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('the fake platform server', () => {
  it('sees requests in the real origin named by X-Contentstats-Upstream', async () => {
    fake = await startFakePlatform((req) => fakeReply.json({ href: req.url.href }));
    const res = await fetch(`${fake.origin}/@_/video/1?x=1`, {
      headers: { 'x-contentstats-upstream': 'https://www.tiktok.com' },
    });
    expect(await res.json()).toEqual({ href: 'https://www.tiktok.com/@_/video/1?x=1' });
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]?.upstream).toBe('https://www.tiktok.com');
    expect(fake.upstreams(['https://a.example'])).toEqual({ 'https://a.example': fake.origin });
  });

  it('answers a 429 with Retry-After', async () => {
    fake = await startFakePlatform(() => fakeReply.tooManyRequests(30));
    const res = await fetch(fake.origin);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('30');
  });

  it('drops the connection of a truncated reply', async () => {
    fake = await startFakePlatform(() => fakeReply.truncated('x'.repeat(10_000), 100));
    await expect(fetch(fake.origin).then((r) => r.text())).rejects.toThrow();
  });

  it('streams a huge body of exactly the requested size', async () => {
    fake = await startFakePlatform(() => fakeReply.huge(300_000));
    const res = await fetch(fake.origin);
    expect((await res.arrayBuffer()).byteLength).toBe(300_000);
  });

  it('closes even while a slow reply is pending', async () => {
    fake = await startFakePlatform(() => fakeReply.slow(60_000));
    const pending = fetch(fake.origin).catch(() => 'failed');
    await new Promise((r) => setTimeout(r, 50));
    await fake.close();
    fake = undefined;
    expect(await pending).toBe('failed');
  });
});
