// A route declared once: its method and path, what it accepts and every answer it gives, as zod schemas. The
// declaration validates the request (registerRoute) and is the route's part of the OpenAPI document.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type ApiErrorReply, type FieldIssue, invalidRequest, sendError } from '../errors.ts';
import { type Validated, validate } from '../validation.ts';

export const TAGS = {
  videos: 'Track videos and read their snapshots',
  campaigns: "Tags: an account's campaigns and what their videos add up to",
  usage: 'Balance and usage',
  keys: "The account's API keys",
  exports: "Exports across the account's videos (CSV, JSON Lines, XLSX), streamed",
  'share-links': 'Read-only links to a video or a campaign, opened without a key',
  webhooks: 'Signed webhooks: endpoints, deliveries, test events',
  admin: 'The operator API (only when CONTENTSTATS_ADMIN_TOKEN is set)',
  service: 'Health, metrics and this document',
} as const;
export type Tag = keyof typeof TAGS;

/** Who may call: an API key (`/api/v1`), the operator's bearer token (`/admin/v1`), or anyone. */
export type Auth = 'apiKey' | 'admin' | 'none';
export type MediaType =
  | 'application/json'
  | 'text/csv'
  | 'text/plain'
  | 'text/html'
  | 'application/x-ndjson'
  | 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface ResponseContent {
  schema: z.ZodType;
  /** Required on every 2xx answer (a test holds it to the schema). */
  example?: unknown;
}

const integerHeader = (description: string) => ({ description, schema: { type: 'integer' } });
/** Response headers (OpenAPI components.headers). */
export const RESPONSE_HEADERS = {
  'X-Request-Id': { description: 'Names this request in the logs', schema: { type: 'string' } },
  'X-RateLimit-Limit': integerHeader("Requests per minute the calling key's plan allows"),
  'X-RateLimit-Remaining': integerHeader('Requests left in the current window'),
  'X-RateLimit-Reset': integerHeader('Unix seconds when the current window ends'),
  'Retry-After': integerHeader('Seconds to wait before trying again'),
  'Idempotent-Replayed': {
    description: '"true" when this is the stored answer to an earlier request with the same Idempotency-Key',
    schema: { type: 'string', enum: ['true'] },
  },
} as const;
export type ResponseHeader = keyof typeof RESPONSE_HEADERS;

export interface ResponseDeclaration {
  description: string;
  content: Partial<Record<MediaType, ResponseContent>>;
  /** Headers of this answer beyond those every answer of its kind carries. */
  headers?: readonly ResponseHeader[];
}

/** A JSON answer; `example` for a 2xx. */
export const jsonResponse = (
  description: string,
  schema: z.ZodType,
  example?: unknown,
): ResponseDeclaration => ({
  description,
  content: { 'application/json': example === undefined ? { schema } : { schema, example } },
});

interface RouteBase {
  method: Method;
  /** The full path as documented, `{name}` for a path parameter. */
  path: `/${string}`;
  operationId: string;
  tag: Tag;
  summary: string;
  description?: string;
  auth: Auth;
  query?: z.ZodObject;
  /**
   * Query issues go to the handler instead of being answered at once: checks that need the store (does this
   * cursor exist?) are then reported beside them, in one answer.
   */
  queryIssuesReportedByHandler?: true;
  body?: z.ZodType;
  bodyRequired?: boolean;
  /** A body limit above the service's default (the batch track's 100 items). */
  bodyLimitBytes?: number;
  /**
   * Request headers by their documented names, checked with the body (each bad one named beside the body's
   * bad fields); the handler reads their values from the request.
   */
  headers?: z.ZodObject;
  /** Every status the route answers with, each with its schema. */
  responses: Readonly<Record<number, ResponseDeclaration>>;
  /**
   * The 200's JSON schema is compiled into Fastify's serializer: faster than JSON.stringify for a body of
   * numbers (the usage), slower for one of fresh strings (a tracked video), so it is chosen per route.
   */
  compiledSerializer?: true;
}

/** A route with path parameters says what an id that cannot exist answers (as one that does not). */
export type RouteDeclaration = RouteBase &
  ({ params: z.ZodObject; unknownId: ApiErrorReply } | { params?: undefined; unknownId?: undefined });

export const defineRoute = <R extends RouteDeclaration>(route: R): R => route;

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

/** What a handler receives, validated by the route's schemas. */
export interface RouteInput<R extends RouteDeclaration> {
  params: R extends { params: infer S } ? Parsed<S> : undefined;
  query: R extends { query: infer S }
    ? R extends { queryIssuesReportedByHandler: true }
      ? Validated<Parsed<S>>
      : Parsed<S>
    : undefined;
  body: R extends { body: infer S } ? Parsed<S> : undefined;
}

export type RouteHandler<R extends RouteDeclaration> = (
  request: FastifyRequest,
  reply: FastifyReply,
  input: RouteInput<R>,
) => unknown;

const NO_INPUT = Object.freeze({ params: undefined, query: undefined, body: undefined });

/**
 * Registers a declared route on `app` (whose prefix its path starts with). Validation runs in the handler,
 * after the scope's hooks: a caller without a valid key is refused before anything about the request is said.
 */
export function registerRoute<R extends RouteDeclaration>(
  app: FastifyInstance,
  route: R,
  handler: RouteHandler<R>,
): void {
  if (!route.path.startsWith(app.prefix)) {
    throw new Error(`${route.operationId}: ${route.path} is outside ${app.prefix}`);
  }
  const url = route.path.slice(app.prefix.length).replace(/\{(\w+)\}/g, ':$1') || '/';
  const { params, unknownId, query, body, headers } = route;
  const headerNames = headers === undefined ? [] : Object.keys(headers.shape);
  // When every declared header is optional, a request sending none of them has nothing to check (the common
  // track request carries no Idempotency-Key): the zod pass is skipped on that hot path.
  const headersOptional = headers?.safeParse({}).success === true;
  const validated =
    params === undefined && query === undefined && body === undefined && headers === undefined
      ? (request: FastifyRequest, reply: FastifyReply) => handler(request, reply, NO_INPUT as RouteInput<R>)
      : (request: FastifyRequest, reply: FastifyReply) => {
          const input = { params: undefined, query: undefined, body: undefined } as Record<string, unknown>;
          if (params !== undefined) {
            // An id that cannot exist is as unknown as one that does not.
            const parsed = validate(params, request.params, 'id');
            if (!parsed.ok) return sendError(reply, unknownId!);
            input.params = parsed.value;
          }
          if (query !== undefined) {
            const parsed = validate(query, request.query, 'query');
            if (route.queryIssuesReportedByHandler) input.query = parsed;
            else if (!parsed.ok) return sendError(reply, invalidRequest(parsed.error.issues));
            else input.query = parsed.value;
          }
          const issues: FieldIssue[] = [];
          if (body !== undefined) {
            const parsed = validate(body, request.body);
            if (parsed.ok) input.body = parsed.value;
            else issues.push(...parsed.error.issues);
          }
          if (headers !== undefined) {
            const given: Record<string, string | undefined> = {};
            let sent = false;
            for (const name of headerNames) {
              const value = request.headers[name.toLowerCase()];
              given[name] = Array.isArray(value) ? value[0] : value;
              if (value !== undefined) sent = true;
            }
            if (sent || !headersOptional) {
              const parsed = validate(headers, given, 'headers');
              if (!parsed.ok) issues.push(...parsed.error.issues);
            }
          }
          if (issues.length > 0) return sendError(reply, invalidRequest(issues));
          return handler(request, reply, input as unknown as RouteInput<R>);
        };
  const serialized = route.compiledSerializer ? route.responses[200]?.content['application/json'] : undefined;
  app.route({
    method: route.method,
    url,
    handler: validated,
    ...(route.bodyLimitBytes ? { bodyLimit: route.bodyLimitBytes } : {}),
    ...(serialized
      ? { schema: { response: { 200: z.toJSONSchema(serialized.schema, { target: 'draft-7' }) } } }
      : {}),
  });
}
