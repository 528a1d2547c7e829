// The dashboard's shell and files as the server hands them out: security headers, content types, versioned
// addresses cached for a year, compression, and nothing outside the dashboard's own files.
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardAssets, loadDashboardAssets, packageRoot } from '../../src/api/dashboard/assets.ts';
import { createTestApi, type TestApi } from '../support/api.ts';
import { DIALECTS } from '../support/stores.ts';

describe.each(DIALECTS)('the dashboard files (%s)', (dialect) => {
  let api: TestApi;
  let version: string;

  beforeAll(async () => {
    api = await createTestApi(dialect);
    version = dashboardAssets().version;
    await dashboardAssets().brotliReady;
  });
  afterAll(() => api.close());

  it('serves the shell at / with a strict policy, revalidated on every load', async () => {
    const page = await api.call('GET', '/');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-cache');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    // The shell points at this version's files and holds no inline script or style.
    expect(page.body).toContain(`/assets/${version}/app.js`);
    expect(page.body).not.toContain('/assets/VERSION/');
    expect(page.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(page.body).not.toMatch(/\sstyle=/);
    expect(page.body).not.toMatch(/<style/);
  });

  it('answers 304 when the shell has not changed', async () => {
    const first = await api.call('GET', '/');
    const again = await api.call('GET', '/', { headers: { 'if-none-match': String(first.headers.etag) } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });

  it('serves versioned files with their types, cached for a year, compressed when asked', async () => {
    const plain = await api.call('GET', `/assets/${version}/app.js`);
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('accept-encoding');

    const brotli = await api.call('GET', `/assets/${version}/vendor/uPlot.esm.js`, {
      headers: { 'accept-encoding': 'gzip, deflate, br' },
    });
    expect(brotli.headers['content-encoding']).toBe('br');
    const chartLibrary = brotliDecompressSync(brotli.rawPayload).toString('utf8');
    expect(chartLibrary).toContain('uPlot');
    expect(brotli.rawPayload.length).toBeLessThan(chartLibrary.length / 2);

    const gzip = await api.call('GET', `/assets/${version}/app.css`, {
      headers: { 'accept-encoding': 'gzip, br;q=0' },
    });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gzip.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(gunzipSync(gzip.rawPayload).toString('utf8')).toContain('.videos');

    const icon = await api.call('GET', `/assets/${version}/favicon.svg`);
    expect(icon.headers['content-type']).toBe('image/svg+xml');
  });

  it('answers 404 for another version, an unknown file, a path outside web/ and the type-check config', async () => {
    for (const url of [
      `/assets/0000000000aa/app.js`,
      `/assets/${version}/nothing.js`,
      `/assets/${version}/../package.json`,
      `/assets/${version}/%2e%2e/package.json`,
      `/assets/${version}/tsconfig.json`,
      `/assets/${version}/index.html`,
    ]) {
      const answer = await api.call('GET', url);
      expect(answer.statusCode, url).toBe(404);
      expect(answer.body, url).not.toContain('"name"');
    }
  });

  it('finds web/ from the package root, wherever the code runs from', () => {
    const root = packageRoot();
    expect(packageRoot(`${root}/dist/api/dashboard`)).toBe(root);
    const loaded = loadDashboardAssets(root);
    expect(loaded.version).toBe(version);
    expect([...loaded.files.keys()]).toEqual(
      expect.arrayContaining(['app.js', 'app.css', 'views/videos.js', 'vendor/uPlot.esm.js']),
    );
  });
});
