import { describe, expect, it } from 'vitest';
import { checkApiKeyFormat, generateApiKey, hashApiKey } from './api-keys.ts';

describe('API keys', () => {
  it('a generated key passes its own checksum and names its mode', () => {
    const live = generateApiKey('live');
    const test = generateApiKey('test');
    expect(live.key).toMatch(/^cs_live_[0-9A-Za-z]{32}$/);
    expect(test.key).toMatch(/^cs_test_[0-9A-Za-z]{32}$/);
    expect(checkApiKeyFormat(live.key)).toBe('live');
    expect(checkApiKeyFormat(test.key)).toBe('test');
  });

  it('keeps the checksums of keys already handed out', () => {
    expect(checkApiKeyFormat('cs_live_AAAAAAAAAAAAAAAAAAAAAAAAAA5fOQpA')).toBe('live');
    expect(checkApiKeyFormat('cs_test_0123456789abcdefghijABCDEFRLrSOv')).toBe('test');
  });

  it('a key with one character changed fails the checksum', () => {
    const { key } = generateApiKey('live');
    const last = key.at(-8)!;
    const typo = key.slice(0, -8) + (last === 'a' ? 'b' : 'a') + key.slice(-7);
    expect(checkApiKeyFormat(typo)).toBeNull();
  });

  it('a live key relabelled as a test key is rejected', () => {
    const { key } = generateApiKey('live');
    expect(checkApiKeyFormat(key.replace('cs_live_', 'cs_test_'))).toBeNull();
  });

  it.each([
    '',
    'cs_live_',
    'cs_live_short',
    'sk_live_00000000000000000000000000000000',
    `cs_live_${'!'.repeat(32)}`,
  ])('malformed key %j is rejected', (key) => {
    expect(checkApiKeyFormat(key)).toBeNull();
  });

  it('only a hash is kept: the stored hash does not contain the key', () => {
    const generated = generateApiKey('live');
    expect(generated.hash).toBe(hashApiKey(generated.key));
    expect(generated.hash).not.toContain(generated.key.slice(8));
    expect(generated.prefix).toBe(generated.key.slice(0, 12));
  });
});
