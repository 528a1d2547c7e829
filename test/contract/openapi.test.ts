// The OpenAPI document against the running service: every route the app registers is documented, with a
// schema for each answer, and every 2xx example is what its schema (zod, and the JSON Schema a client reads)
// accepts.
import { Ajv } from 'ajv';
import type { RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { isDashboardRoute } from '../../src/api/dashboard/routes.ts';
import { documentedRoutes } from '../../src/api/openapi.ts';
import { createTestApi, type TestApi } from '../support/api.ts';

interface Operation {
  operationId: string;
  tags: string[];
  responses: Record<string, { content?: Record<string, { schema?: object; example?: unknown }> }>;
}
interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, object>; headers: Record<string, object> };
  tags: { name: string }[];
}

/**
 * The document's schemas as Ajv reads them. A nullable reference is written `{nullable: true, allOf: [ref]}`,
 * as OpenAPI 3.0 generators read it; Ajv wants `nullable` beside a `type`, so it gets the same meaning spelled
 * `anyOf: [ref, null]`.
 */
const forAjv = (schema: object): object =>
  JSON.parse(JSON.stringify(schema), (_key, value) =>
    value && typeof value === 'object' && value.nullable === true && Array.isArray(value.allOf)
      ? (({ nullable: _, allOf, ...rest }) => ({ ...rest, anyOf: [...allOf, { type: 'null' }] }))(value)
      : value,
  );

const operationsOf = (doc: Document) =>
  Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
  );

describe('the OpenAPI document', () => {
  let api: TestApi;
  let doc: Document;
  const registered: { method: string; path: string }[] = [];

  beforeAll(async () => {
    api = await createTestApi('sqlite');
    doc = (await api.call('GET', '/openapi.json')).json();
    // The same service built again, listening to every route as it is registered.
    const app = await buildApp(api.parts.context, undefined, (route: RouteOptions) => {
      for (const method of [route.method].flat()) {
        // HEAD answers come with every GET; /docs is the documentation viewer's own static files, and the
        // dashboard's pages and files are a user interface of the API, not part of it.
        if (method === 'HEAD' || route.url.startsWith('/docs') || isDashboardRoute(route.url)) continue;
        registered.push({ method: method.toLowerCase(), path: route.url.replace(/:(\w+)/g, '{$1}') });
      }
    });
    await app.ready();
    await app.close();
  });
  afterAll(() => api.close());

  it('documents every route the service registers, with a schema for each answer', () => {
    expect(registered.length).toBeGreaterThanOrEqual(20);
    for (const { method, path } of registered) {
      const operation = doc.paths[path]?.[method];
      expect(operation, `${method.toUpperCase()} ${path} is not documented`).toBeDefined();
      for (const [status, response] of Object.entries(operation!.responses)) {
        const contents = Object.values(response.content ?? {});
        expect(contents.length, `${operation!.operationId} ${status} has no content`).toBeGreaterThan(0);
        for (const content of contents) {
          expect(content.schema, `${operation!.operationId} ${status} has no schema`).toBeDefined();
        }
      }
    }
  });

  it('documents nothing the service does not answer', () => {
    const documented = operationsOf(doc).map(({ method, path }) => `${method} ${path}`);
    expect(documented.sort()).toEqual(registered.map(({ method, path }) => `${method} ${path}`).sort());
  });

  it('names every operation once, under a declared tag', () => {
    const operations = operationsOf(doc).map(({ operation }) => operation);
    const ids = operations.map((operation) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    const tags = new Set(doc.tags.map((tag) => tag.name));
    for (const operation of operations) {
      expect(operation.tags).toHaveLength(1);
      expect(tags).toContain(operation.tags[0]);
    }
  });

  it('documents the 404 every route with an id answers for an id that cannot exist', () => {
    for (const route of documentedRoutes(api.config).filter((r) => r.params !== undefined)) {
      expect(route.responses[404], route.operationId).toBeDefined();
      expect(
        route.responses[404]!.content['application/json']!.schema.safeParse(route.unknownId!.body).error,
      ).toBe(undefined);
    }
  });

  it('names the shapes a client meets, and refers to them', () => {
    for (const name of ['Video', 'VideoDetail', 'Snapshot', 'Usage', 'Error', 'ValidationError', 'ApiKey']) {
      expect(Object.keys(doc.components.schemas)).toContain(name);
    }
    expect(Object.keys(doc.components.schemas)).toContain('Account');
    const getVideo = doc.paths['/api/v1/videos/{id}']!.get!;
    expect(getVideo.responses['200']!.content!['application/json']!.schema).toEqual({
      $ref: '#/components/schemas/VideoDetail',
    });
    // Every reference points at a component that exists.
    const references = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/(\w+)\/([^"]+)"/g)];
    expect(references.length).toBeGreaterThan(50);
    for (const [, kind, name] of references) {
      expect((doc.components as unknown as Record<string, Record<string, unknown>>)[kind!]).toHaveProperty([
        name!,
      ]);
    }
  });

  it('documents the rate-limit and request-id headers on the answers that carry them', () => {
    const usage = doc.paths['/api/v1/usage']!.get!.responses as Record<string, { headers: object }>;
    expect(Object.keys(usage['200']!.headers)).toEqual([
      'X-Request-Id',
      'X-RateLimit-Limit',
      'X-RateLimit-Remaining',
      'X-RateLimit-Reset',
    ]);
    expect(Object.keys(usage['429']!.headers)).toContain('Retry-After');
    // A refused key is answered before the rate limit is consulted.
    expect(Object.keys(usage['401']!.headers)).toEqual(['X-Request-Id']);
  });

  it('holds every 2xx example to its schema, in zod and in the JSON Schema a client reads', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    let checked = 0;
    for (const route of documentedRoutes(api.config)) {
      const operation = doc.paths[route.path]![route.method.toLowerCase()]!;
      for (const [status, declared] of Object.entries(route.responses)) {
        if (Number(status) < 200 || Number(status) > 299) continue;
        for (const [mediaType, content] of Object.entries(declared.content)) {
          const where = `${route.operationId} ${status} ${mediaType}`;
          expect(content.example, `${where} has no example`).toBeDefined();
          const parsed = content.schema.safeParse(content.example);
          expect(parsed.error, where).toBeUndefined();
          // zod drops the fields it does not know: a field the schema lacks shows as a difference.
          expect(parsed.data, where).toEqual(content.example);
          const documented = operation.responses[status]!.content![mediaType]!;
          expect(documented.example).toEqual(content.example);
          const validateJson = ajv.compile(forAjv({ ...documented.schema, components: doc.components }));
          expect(validateJson(documented.example) ? [] : validateJson.errors, where).toEqual([]);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('holds the JSON Schema to what the server writes: a field it does not document is refused', () => {
    const ajv = new Ajv({ strict: false });
    const validateVideo = ajv.compile(
      forAjv({ $ref: '#/components/schemas/VideoDetail', components: doc.components }),
    );
    const example = doc.paths['/api/v1/videos/{id}']!.get!.responses['200']!.content!['application/json']!
      .example as Record<string, unknown>;
    expect(validateVideo(example)).toBe(true);
    expect(validateVideo({ ...example, undocumented: 1 })).toBe(false);
    expect(validateVideo({ ...example, status: 'archived' })).toBe(false);
  });

  it('shows the operator API only where it is enabled', async () => {
    expect(Object.keys(doc.paths).filter((path) => path.startsWith('/admin/'))).toHaveLength(5);
    const withoutAdmin = await createTestApi('sqlite', { config: { adminToken: undefined } });
    try {
      const closed: Document = (await withoutAdmin.call('GET', '/openapi.json')).json();
      expect(Object.keys(closed.paths).filter((path) => path.startsWith('/admin/'))).toEqual([]);
      expect(closed.tags.map((tag) => tag.name)).not.toContain('admin');
    } finally {
      await withoutAdmin.close();
    }
  });

  it('is served at /openapi.json and rendered at /docs', async () => {
    expect(doc.openapi).toBe('3.0.3');
    const page = await api.call('GET', '/docs/');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('swagger');
    const initializer = await api.call('GET', '/docs/static/swagger-initializer.js');
    expect(initializer.statusCode).toBe(200);
    // The viewer reads the same document.
    const viewed = await api.call('GET', '/docs/json');
    expect(viewed.json()).toEqual(doc);
  });
});
