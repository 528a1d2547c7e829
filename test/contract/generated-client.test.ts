// The document is enough for a client: types generated from /openapi.json with openapi-typescript type-check
// the example client (test/contract/client-example.ts), which then calls every operation of the service.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, createTestApi, type TestApi } from '../support/api.ts';

const CLIENT = new URL('./client-example.ts', import.meta.url).pathname;

/** What the test uses of the example client, which is typed by the generated types alone (not loaded by tsc). */
interface ExampleClient {
  tour(
    send: (request: {
      method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
      path: string;
      headers: Record<string, string>;
      body?: unknown;
    }) => Promise<{ status: number; contentType: string; body: string }>,
    adminToken: string,
  ): Promise<{ calls: { operationId: string; status: number }[]; seen: Record<string, unknown> }>;
}

/** Type errors of `entry` (and what it imports), as tsc would print them. */
function typeErrors(entry: string): string[] {
  const program = ts.createProgram([entry], {
    strict: true,
    noUncheckedIndexedAccess: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true,
    lib: ['lib.es2023.d.ts'],
    types: [],
  });
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

describe('a client generated from /openapi.json', () => {
  let api: TestApi;
  let folder: string;
  let document: { paths: Record<string, Record<string, { operationId: string }>> };

  beforeAll(async () => {
    api = await createTestApi('sqlite');
    document = (await api.call('GET', '/openapi.json')).json();
    folder = mkdtempSync(join(tmpdir(), 'contentstats-client-'));
    writeFileSync(join(folder, 'contentstats-api.ts'), astToString(await openapiTS(document as never)));
    copyFileSync(CLIENT, join(folder, 'client-example.ts'));
  });
  afterAll(async () => {
    rmSync(folder, { recursive: true, force: true });
    await api.close();
  });

  it('type-checks the example client against the generated types', () => {
    expect(typeErrors(join(folder, 'client-example.ts'))).toEqual([]);
  });

  it('refuses a client that uses the API wrongly (the check is real)', () => {
    const wrong = join(folder, 'wrong-client.ts');
    writeFileSync(
      wrong,
      [
        "import type { components, paths } from './contentstats-api.ts';",
        "export const status: components['schemas']['VideoStatus'] = 'archived';",
        "export const days: paths['/api/v1/videos/track']['post']['requestBody']['content']['application/json'] =",
        "  { video_link: 'https://youtu.be/dQw4w9WgXcQ', duration_days: '7' };",
        "export const usage = (u: components['schemas']['Usage']): string => u.balance_usd;",
      ].join('\n'),
    );
    const errors = typeErrors(wrong);
    expect(errors.join('\n')).toContain('"archived"');
    expect(errors).toHaveLength(3);
  });

  it('calls every documented operation, each answered as documented', async () => {
    const { tour }: ExampleClient = await import(CLIENT);
    const send: Parameters<ExampleClient['tour']>[0] = async ({ method, path, headers, body }) => {
      const response = await api.app.inject({
        method,
        url: path,
        headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      });
      return {
        status: response.statusCode,
        contentType: String(response.headers['content-type'] ?? ''),
        body: response.body,
      };
    };
    const { calls, seen } = await tour(send, ADMIN_TOKEN);
    expect(seen).toMatchObject({
      openapi: '3.0.3',
      paused: 'paused',
      stopped: 'completed',
      plan: 'pro',
      tags: ['Spring Launch', 'Week 1'],
      campaignVideos: 2,
      batchStatuses: [201, 404],
    });
    // The header and the YouTube video's one snapshot; the two monitored videos (the tracked one and the
    // batch's TikTok one) as rows of the videos export.
    expect(seen).toMatchObject({
      exportedSnapshotLines: 2,
      exportedVideos: [expect.any(String), expect.any(String)],
    });
    // The campaign's link, opened without a key: its two videos, one snapshot each; then revoked.
    expect(seen).toMatchObject({
      sharedPage: true,
      sharedCsvLines: 3,
      sharedRows: 2,
      shareLinks: ['active'],
      revokedLink: true,
    });
    expect(seen.webhooks).toEqual({
      secret: true,
      listed: 1,
      events: ['balance.low'],
      deliveries: ['webhook.test'],
      redelivered: true,
      deleted: true,
      alert: [2.5, true],
    });
    const operations = Object.values(document.paths).flatMap((methods) =>
      Object.values(methods).map((operation) => operation.operationId),
    );
    expect([...new Set(calls.map((call) => call.operationId))].sort()).toEqual(operations.sort());
  });
});
