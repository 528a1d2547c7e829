import { describe, expect, it } from 'vitest';
import { newId, newTimeOrderedId, randomBase62 } from './ids.ts';

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
