// The OpenAPI 3.0 document, generated from the route declarations (routes/index.ts) and the named shapes
// (contract/components.ts): nothing about a route is written twice.
import { z } from 'zod';
import type { Config } from '../config.ts';
import {
  errorSchema,
  rateLimitExceededSchema,
  responseComponents,
  validationErrorSchema,
} from './contract/components.ts';
import {
  defineRoute,
  jsonResponse,
  RESPONSE_HEADERS,
  type ResponseDeclaration,
  type ResponseHeader,
  type RouteDeclaration,
  TAGS,
  type Tag,
} from './contract/route.ts';
import { ROUTES } from './routes/index.ts';

type JsonSchema = Record<string, unknown>;

const COMPONENT_SCHEMAS = '#/components/schemas/';
const uri = (id: string) => `${COMPONENT_SCHEMAS}${id}`;

/**
 * A schema where it is used: a reference when it names an answer's shape, else written out (pointing at the
 * named shapes inside it). Requests are shown as a client sends them (`io: 'input'`, before any transform).
 */
function schemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const id = responseComponents.get(schema)?.id;
  if (id !== undefined && io === 'output') return { $ref: uri(id) };
  const rendered = z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io,
    unrepresentable: 'any',
    ...(io === 'output' ? { metadata: responseComponents } : {}),
  }) as JsonSchema;
  // Named shapes inside it come out as local definitions: point them at the components instead.
  delete rendered.definitions;
  return JSON.parse(JSON.stringify(rendered).replaceAll('"#/definitions/', `"${COMPONENT_SCHEMAS}`));
}

function componentSchemas(): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(responseComponents, {
    target: 'openapi-3.0',
    io: 'output',
    uri,
    unrepresentable: 'any',
  }) as { schemas: Record<string, JsonSchema> };
  for (const schema of Object.values(schemas)) delete schema.$id;
  return schemas;
}

/** Answers every route of a kind can give, whatever its handler does (a route's own declaration wins). */
function commonResponses(route: RouteDeclaration): Record<number, ResponseDeclaration> {
  const common: Record<number, ResponseDeclaration> = {};
  if (route.body !== undefined) {
    common[400] = jsonResponse('Invalid request: one `details` entry per bad field', validationErrorSchema);
    common[413] = jsonResponse('Payload too large (over 16 KiB)', errorSchema);
    common[415] = jsonResponse('The body is not application/json', validationErrorSchema);
  }
  if (route.query !== undefined) {
    common[400] = jsonResponse('Invalid query: one `details` entry per bad parameter', validationErrorSchema);
  }
  if (route.auth === 'apiKey') {
    common[401] = jsonResponse('API key missing, malformed, unknown or revoked', errorSchema);
    common[403] = jsonResponse('The account is disabled', errorSchema);
    common[429] = {
      ...jsonResponse('Rate limit exceeded', rateLimitExceededSchema),
      headers: ['Retry-After'],
    };
  }
  if (route.auth === 'admin') common[401] = jsonResponse('Missing or wrong admin token', errorSchema);
  return common;
}

function responseHeaders(route: RouteDeclaration, status: number, declared: ResponseDeclaration) {
  const names: ResponseHeader[] = ['X-Request-Id'];
  // The key is checked before the rate limit: a refused key gets no window.
  if (route.auth === 'apiKey' && status !== 401) {
    names.push('X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset');
  }
  names.push(...(declared.headers ?? []));
  return Object.fromEntries(names.map((name) => [name, { $ref: `#/components/headers/${name}` }]));
}

function parameters(route: RouteDeclaration) {
  const of = (where: 'path' | 'query' | 'header', object: z.ZodObject | undefined) => {
    if (object === undefined) return [];
    const rendered = schemaOf(object, 'input') as {
      properties?: Record<string, JsonSchema>;
      required?: string[];
    };
    return Object.entries(rendered.properties ?? {}).map(([name, schema]) => ({
      name,
      in: where,
      required: where === 'path' || (rendered.required ?? []).includes(name),
      schema,
    }));
  };
  return [...of('path', route.params), ...of('query', route.query), ...of('header', route.headers)];
}

function operation(route: RouteDeclaration) {
  const responses = { ...commonResponses(route), ...route.responses };
  const parameterList = parameters(route);
  return {
    operationId: route.operationId,
    tags: [route.tag],
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    ...(route.auth === 'admin' ? { security: [{ adminToken: [] }] } : {}),
    ...(route.auth === 'none' ? { security: [] } : {}),
    ...(parameterList.length > 0 ? { parameters: parameterList } : {}),
    ...(route.body !== undefined
      ? {
          requestBody: {
            required: route.bodyRequired ?? true,
            content: { 'application/json': { schema: schemaOf(route.body, 'input') } },
          },
        }
      : {}),
    responses: Object.fromEntries(
      Object.entries(responses)
        .sort(([a], [b]) => Number(a) - Number(b))
        .map(([status, declared]) => [
          status,
          {
            description: declared.description,
            headers: responseHeaders(route, Number(status), declared),
            content: Object.fromEntries(
              Object.entries(declared.content).map(([mediaType, content]) => [
                mediaType,
                {
                  schema: schemaOf(content.schema, 'output'),
                  ...(content.example === undefined ? {} : { example: content.example }),
                },
              ]),
            ),
          },
        ]),
    ),
  };
}

export const openApiDocumentRoute = defineRoute({
  method: 'GET',
  path: '/openapi.json',
  operationId: 'getOpenApiDocument',
  tag: 'service',
  summary: 'This document (also shown at /docs)',
  auth: 'none',
  responses: {
    200: {
      description: 'The OpenAPI document',
      content: {
        'application/json': {
          schema: z.record(z.string(), z.unknown()),
          example: { openapi: '3.0.3', info: { title: 'contentstats API', version: '1.0.0' }, paths: {} },
        },
      },
    },
  },
});

/** The routes the document shows: the operator API only where it is enabled. */
export function documentedRoutes(config: Pick<Config, 'adminToken'>): RouteDeclaration[] {
  return [...ROUTES.flatMap((group) => group.routes), openApiDocumentRoute].filter(
    (route) => route.auth !== 'admin' || Boolean(config.adminToken),
  );
}

export function buildOpenApiDocument(config: Pick<Config, 'publicBaseUrl' | 'adminToken'>) {
  const routes = documentedRoutes(config);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = operation(route);
  }
  const tags = [...new Set(routes.map((route) => route.tag))] as Tag[];
  return {
    openapi: '3.0.3',
    info: {
      title: 'contentstats API',
      version: '1.0.0',
      description:
        'Tracks public video counts (TikTok, YouTube, Instagram, X) as an hourly time series, sold per snapshot. ' +
        'Compatible with the contentstats.io API. Authenticate with the `X-API-Key` header (`cs_live_…` or `cs_test_…`). ' +
        'Every /api/v1 response carries X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset and X-Request-Id.',
    },
    servers: [{ url: config.publicBaseUrl }],
    tags: tags.map((name) => ({ name, description: TAGS[name] })),
    components: {
      schemas: componentSchemas(),
      headers: RESPONSE_HEADERS,
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        adminToken: { type: 'http', scheme: 'bearer' },
      },
    },
    security: [{ apiKey: [] }],
    paths,
  };
}
