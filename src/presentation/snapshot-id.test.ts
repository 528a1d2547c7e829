// A snapshot's public id is derived at every read (migration 010), so its derivation may never change: these
// tests hold it to ids already handed out and to the first implementation (BigInt digits of a streamed hash).
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { snapshotId } from './snapshot-id.ts';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** The derivation as it was first written. */
function originalSnapshotId(videoId: string, takenAt: number, slot: number): string {
  const base62 = (value: bigint, width: number) => {
    let out = '';
    let rest = value;
    while (rest > 0n) {
      out = ALPHABET[Number(rest % 62n)] + out;
      rest /= 62n;
    }
    return out.padStart(width, '0').slice(-width);
  };
  const stem = base62(createHash('sha256').update(`snapshot/${videoId}`).digest().readBigUInt64BE(0), 11);
  return `snp_${base62(BigInt(takenAt), 8)}${stem}${base62(BigInt(slot), 3)}`;
}

const id = (videoId: string, takenAt: number, slot: number) =>
  snapshotId(videoId, { slot, taken_at: takenAt, legacy_id: null });

describe('snapshot ids', () => {
  it('are the ids already handed out', () => {
    expect(id('vid_0Vcqps3J4v7InYqjaQGOzC', 1796401140000, 0)).toBe('snp_0Vcqq6xUCKhyZwkjxSQ000');
    expect(id('vid_0Vcqps3J4v7InYqjaQGOzC', 1796404740000, 719)).toBe('snp_0Vcr5DU0CKhyZwkjxSQ0Bb');
    expect(id('vid_00000000000000000000000000', 0, 1)).toBe('snp_000000002aCklB0vZql001');
    // The largest time and slot that fit their widths; past them only the last digits are kept.
    expect(id('vid_zzzzzzzzzzzzzzzzzzzzzzzzzz', 62 ** 8 - 1, 62 ** 3 - 1)).toBe('snp_zzzzzzzz0akfm1Mkc4Wzzz');
    expect(id('vid_abc', 1700000000123, 62 ** 3)).toBe('snp_0TvcokihBdiFhcfKLFn000');
    expect(id('vid_abc', -5, 3)).toBe('snp_00000000BdiFhcfKLFn003');
  });

  it('are what the first implementation derives, for any video, time and slot', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 0, maxLength: 40 }),
        fc.integer({ min: -1e6, max: Number.MAX_SAFE_INTEGER }),
        fc.integer({ min: 0, max: 10_000_000 }),
        (videoId, takenAt, slot) => {
          expect(id(videoId, takenAt, slot)).toBe(originalSnapshotId(videoId, takenAt, slot));
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it('keep the stem of each video when videos alternate', () => {
    const a = id('vid_a', 1, 0);
    const b = id('vid_b', 1, 0);
    expect(id('vid_a', 1, 0)).toBe(a);
    expect(a).not.toBe(b);
  });

  it('a legacy snapshot keeps the random id it was given', () => {
    expect(snapshotId('vid_a', { slot: 0, taken_at: 1, legacy_id: 'snp_legacy' })).toBe('snp_legacy');
  });
});
