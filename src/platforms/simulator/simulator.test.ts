import { describe, expect, it } from 'vitest';
import { TestClock } from '../../clock.ts';
import { PLATFORM_REGISTRY } from '../registry.ts';
import { tiktokRef } from '../tiktok/url.ts';
import { youtubeRef } from '../youtube/url.ts';
import { createSimulatorCollector, simulatedMetrics } from './simulator.ts';

const HOUR = 3_600_000;

describe('the simulator', () => {
  it('gives the same counts for the same video at the same moment', () => {
    const at = Date.parse('2025-03-01T12:00:00.000Z');
    expect(simulatedMetrics('tiktok', '7300000000000000001', at)).toEqual(
      simulatedMetrics('tiktok', '7300000000000000001', at),
    );
  });

  it('gives different videos different curves', () => {
    const at = Date.parse('2025-03-01T12:00:00.000Z');
    expect(simulatedMetrics('tiktok', '7300000000000000001', at).views).not.toEqual(
      simulatedMetrics('tiktok', '7300000000000000002', at).views,
    );
  });

  it('never lets a count fall over thirty days of minutes', () => {
    let previous = simulatedMetrics('twitter', '1712345678901234567', Date.parse('2025-01-01T00:00:00Z'));
    for (let minute = 1; minute < 30 * 24 * 60; minute += 7) {
      const next = simulatedMetrics(
        'twitter',
        '1712345678901234567',
        Date.parse('2025-01-01T00:00:00Z') + minute * 60_000,
      );
      for (const metric of ['views', 'likes', 'comments', 'shares', 'saves'] as const) {
        expect(next[metric]! >= previous[metric]!).toBe(true);
      }
      previous = next;
    }
  });

  it('exposes null, not zero, for metrics the platform does not have', () => {
    const m = simulatedMetrics('youtube', 'dQw4w9WgXcQ', Date.now());
    expect(m.shares).toBeNull();
    expect(m.saves).toBeNull();
    expect(m.views).not.toBeNull();
  });

  it.each([
    ['tiktok', ['views', 'likes', 'comments', 'shares', 'saves']],
    ['youtube', ['views', 'likes', 'comments']],
    ['instagram', ['views', 'likes', 'comments']],
    ['twitter', ['views', 'likes', 'comments', 'shares', 'saves']],
  ] as const)('a %s reading has counts for exactly the metrics the platform shows', (platform, shown) => {
    const counted = Object.entries(simulatedMetrics(platform, 'abcdefg1234', Date.now()))
      .filter(([, count]) => count !== null)
      .map(([metric]) => metric);
    expect(counted).toEqual(shown);
    expect(PLATFORM_REGISTRY[platform].exposedMetrics).toEqual(shown);
  });

  it.each([
    ['7300000000000004040', 'not_found'],
    ['7300000000000004030', 'private'],
    ['7300000000000005030', 'blocked'],
    ['7300000000000004290', 'rate_limited'],
  ])('magic id %s answers %s', async (id, kind) => {
    const collector = createSimulatorCollector('tiktok', new TestClock());
    const [result] = await collector.collect([tiktokRef(id)]);
    expect(result).toMatchObject({ ok: false, error: { kind } });
  });

  it.each([
    ['abcdefg4031', { kind: 'private' }],
    ['abcdefg4041', { kind: 'not_found', deleted: true }],
  ])('%s answers normally at slots 0 and 1, then %o from the third slot', async (id, failure) => {
    const collector = createSimulatorCollector('youtube', new TestClock());
    const at = async (slot?: number) => (await collector.collect([{ ...youtubeRef(id), slot }]))[0];
    expect((await at(undefined))!.ok).toBe(true); // the probe at track time
    expect((await at(0))!.ok).toBe(true);
    expect((await at(1))!.ok).toBe(true);
    expect(await at(2)).toMatchObject({ ok: false, error: failure });
    expect(await at(47)).toMatchObject({ ok: false, error: failure });
  });

  it('decides a late ending by the slot, not by how long this process has known the video', async () => {
    const clock = new TestClock();
    const collector = createSimulatorCollector('youtube', clock);
    const ref = youtubeRef('abcdefg4031');
    expect((await collector.collect([{ ...ref, slot: 2 }]))[0]!.ok).toBe(false);
    clock.advance(10 * HOUR);
    expect((await collector.collect([{ ...ref, slot: 1 }]))[0]!.ok).toBe(true);
  });

  it('resolves a short link to the same video every time', async () => {
    const collector = createSimulatorCollector('tiktok', new TestClock());
    const a = await collector.resolveShortLink!('https://vm.tiktok.com/ZMabc123/');
    const b = await collector.resolveShortLink!('https://vm.tiktok.com/ZMabc123/');
    expect(a).toEqual(b);
    expect(a.ok && a.value.videoId).toMatch(/^7\d{18}$/);
  });
});
