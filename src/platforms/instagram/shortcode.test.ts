import { describe, expect, it } from 'vitest';
import { isPrivatePostShortcode, mediaIdToShortcode, parseMediaId, shortcodeToMediaId } from './shortcode.ts';

// Pairs checked against an independent implementation (base64url bytes, big-endian).
const PAIRS: [string, bigint][] = [
  ['B_K4CykAOtf', 2_290_889_842_806_025_055n],
  ['CxYz12AbCdE', 3_195_531_936_112_846_660n],
  ['C3wq-PRO_fT', 3_310_334_721_073_608_659n],
  ['DA1b2C3d4E5', 3_473_805_148_771_811_641n],
  ['Cop84x6u7CP', 3_038_227_208_318_201_999n],
  ['CWqAgUZgCku', 2_713_983_946_370_066_734n],
  ['aye83DjauH', 482_584_233_761_418_119n],
  ['BAAAAAAAAAA', 1_152_921_504_606_846_976n],
  ['B', 1n],
  ['_', 63n],
];

describe('shortcodes and media ids convert both ways', () => {
  it.each(PAIRS)('%s is media %s', (shortcode, mediaId) => {
    expect(shortcodeToMediaId(shortcode)).toBe(mediaId);
    expect(mediaIdToShortcode(mediaId)).toBe(shortcode);
  });

  it('reads a leading "A" as a zero digit', () => {
    expect(shortcodeToMediaId('AAB')).toBe(1n);
    expect(mediaIdToShortcode(0n)).toBe('A');
  });

  it('ignores the 28 characters appended to private posts', () => {
    const privateCode = `C3wq-PRO_fT${'x'.repeat(28)}`;
    expect(isPrivatePostShortcode(privateCode)).toBe(true);
    expect(shortcodeToMediaId(privateCode)).toBe(3_310_334_721_073_608_659n);
    expect(isPrivatePostShortcode('C3wq-PRO_fT')).toBe(false);
  });

  it('rejects characters outside the alphabet instead of guessing', () => {
    expect(shortcodeToMediaId('C3wq+PRO/fT')).toBeNull();
    expect(shortcodeToMediaId('')).toBeNull();
  });

  it('goes beyond 2^64 without losing digits', () => {
    expect(mediaIdToShortcode(shortcodeToMediaId('________________') as bigint)).toBe('________________');
  });
});

describe('media ids are read as Instagram prints them', () => {
  it.each([
    ['3310334721073608659', 3_310_334_721_073_608_659n],
    ['3310334721073608659_51234567', 3_310_334_721_073_608_659n],
    [12345, 12345n],
  ])('%j is %s', (value, expected) => {
    expect(parseMediaId(value)).toBe(expected);
  });

  it.each([[null], [undefined], [''], ['abc'], ['12_'], [1.5], [3.3e18]])('%j is not a media id', (value) => {
    expect(parseMediaId(value)).toBeNull();
  });
});
