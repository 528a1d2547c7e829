import { describe, expect, it } from 'vitest';
import { csvCell, csvLine } from './csv.ts';

describe('csvCell', () => {
  it('prefixes text a spreadsheet would run as a formula with a single quote', () => {
    for (const text of ['=1+1', '+1', '-2+3', '@SUM(A1)', '\tx', '\rx', '=HYPERLINK("http://x")']) {
      expect(csvCell(text).replace(/^"|"$/g, '').startsWith("'")).toBe(true);
    }
  });
  it('keeps plain numbers, negative ones included, and quotes what RFC 4180 needs quoted', () => {
    expect(csvCell('-15')).toBe('-15');
    expect(csvCell('-1.5')).toBe('-1.5');
    expect(csvCell(-15)).toBe('-15');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('=a,b')).toBe(`"'=a,b"`);
    expect(csvCell(null)).toBe('');
    expect(csvLine(['a', 1, null, true])).toBe('a,1,,true\n');
  });
});
