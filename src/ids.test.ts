import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base62Digits, base62DigitsOf64, newId, newTimeOrderedId, randomBase62 } from './ids.ts';

describe('ids', () => {
  it('newId: a prefix and 20 random base62 characters, never repeated', () => {
    const ids = Array.from({ length: 10_000 }, () => newId('acc'));
    for (const id of ids) expect(id).toMatch(/^acc_[0-9A-Za-z]{20}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('newTimeOrderedId: sorts by creation time, and ids of the same millisecond still differ', () => {
    const times = [
      1_700_000_000_000, 1_700_000_000_000, 1_700_000_000_001, 1_700_000_003_600, 1_800_000_000_000,
    ];
    const ids = times.map((t) => newTimeOrderedId('vid', t));
    for (const id of ids) expect(id).toMatch(/^vid_[0-9A-Za-z]{22}$/);
    expect(ids[0]!.slice(0, 12)).toBe(ids[1]!.slice(0, 12));
    expect(ids[0]).not.toBe(ids[1]);
    // Byte order (how SQLite and PostgreSQL with C collation compare text) follows time.
    const later = ids.slice(2);
    for (let i = 1; i < later.length; i++)
      expect(later[i - 1]!.slice(0, 12) < later[i]!.slice(0, 12)).toBe(true);
  });

  it('randomBase62 draws every character of the alphabet', () => {
    const seen = new Set(randomBase62(20_000));
    expect(seen.size).toBe(62);
  });
});

describe('base62 digits', () => {
  /** The digits as first written, with BigInt: what every stored id and key checksum was made with. */
  const reference = (value: bigint, width: number) => {
    let out = '';
    let rest = value;
    while (rest > 0n) {
      out = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'[Number(rest % 62n)] + out;
      rest /= 62n;
    }
    return out.padStart(width, '0').slice(-width);
  };

  it('base62Digits: the last `width` digits of any safe integer, as BigInt made them', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.integer({ min: 1, max: 11 }),
        (n, w) => {
          expect(base62Digits(n, w)).toBe(reference(BigInt(n), w));
        },
      ),
      { numRuns: 5_000 },
    );
    expect(base62Digits(-5, 3)).toBe('000');
  });

  it('base62DigitsOf64: the last `width` digits of any 64-bit number, as BigInt made them', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffff_ffff }),
        fc.integer({ min: 0, max: 0xffff_ffff }),
        fc.integer({ min: 1, max: 11 }),
        (high, low, w) => {
          expect(base62DigitsOf64(high, low, w)).toBe(reference((BigInt(high) << 32n) + BigInt(low), w));
        },
      ),
      { numRuns: 5_000 },
    );
    expect(base62DigitsOf64(0xffff_ffff, 0xffff_ffff, 11)).toBe(reference(2n ** 64n - 1n, 11));
  });
});
