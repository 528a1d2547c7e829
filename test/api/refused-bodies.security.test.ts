// A body refused before it is read (too large, not JSON, malformed) is still a request of the calling key:
// it is counted against the key's rate limit and answered with X-RateLimit-*, like every /api/v1 response.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../support/api.ts';
import { DIALECTS } from '../support/stores.ts';

const REFUSED_BODIES: Array<[string, number, Record<string, string>, string]> = [
  ['a body over 16 KiB', 413, { 'content-type': 'application/json' }, `{"a":"${'x'.repeat(17 * 1024)}"}`],
  ['a text/plain body', 415, { 'content-type': 'text/plain' }, '{}'],
  ['malformed JSON', 400, { 'content-type': 'application/json' }, '{"video_link":'],
];

describe.each(DIALECTS)('bodies refused before they are read (%s)', (dialect) => {
  let api: TestApi;
  let key: string;

  beforeAll(async () => {
    api = await createTestApi(dialect);
    key = (await api.createAccount()).testKey;
  });
  afterAll(() => api.close());

  it.each(REFUSED_BODIES)(
    '%s → %i with the key’s X-RateLimit-* headers, counted',
    async (_name, status, headers, payload) => {
      const before = await api.call('GET', '/api/v1/usage', { key });
      const response = await api.app.inject({
        method: 'POST',
        url: '/api/v1/videos/track',
        headers: { ...headers, 'x-api-key': key },
        payload,
      });
      expect(response.statusCode).toBe(status);
      expect(response.headers['x-ratelimit-limit']).toBe(before.headers['x-ratelimit-limit']);
      expect(Number(response.headers['x-ratelimit-remaining'])).toBe(
        Number(before.headers['x-ratelimit-remaining']) - 1,
      );
      expect(response.headers['x-ratelimit-reset']).toBeDefined();
    },
  );
});
