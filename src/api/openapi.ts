// The OpenAPI 3 document, generated from the same zod schemas that validate requests.
import { z } from 'zod';
import { TRACK_FAILED_ERROR } from './routes/track-video.ts';
import {
  createAccountBody,
  createKeyBody,
  creditsBody,
  errorSchema,
  listVideosQuery,
  patchAccountBody,
  snapshotSchema,
  snapshotsQuery,
  trackBody,
  trackedVideoSchema,
  usageSchema,
  videoDetailSchema,
  videoListSchema,
} from './schemas.ts';

type JsonSchema = Record<string, unknown>;
const schema = (s: z.ZodType): JsonSchema =>
  z.toJSONSchema(s, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) as JsonSchema;
const json = (s: z.ZodType) => ({ 'application/json': { schema: schema(s) } });
const error = (description: string) => ({ description, content: json(errorSchema) });

function queryParameters(s: z.ZodObject) {
  const shape = schema(s) as { properties?: Record<string, JsonSchema> };
  return Object.entries(shape.properties ?? {}).map(([name, prop]) => ({
    name,
    in: 'query',
    required: false,
    schema: prop,
  }));
}

/** Track's 500: contentstats.io's exact `error` text, and (extension) what went wrong in plain words. */
const trackFailedSchema = z.object({
  error: z.literal(TRACK_FAILED_ERROR),
  reason: z.string().meta({
    description:
      'What went wrong, e.g. "TikTok could not be reached (network error connecting to www.tiktok.com)", ' +
      '"… blocked by a bot check …", "… the page format was not recognised …", "… rate limiting …"',
  }),
});

const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const commonErrors = {
  '401': error('API key missing, malformed, unknown or revoked'),
  '429': error('Rate limit exceeded (see Retry-After)'),
};

export function buildOpenApiDocument(serverUrl: string) {
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
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        adminToken: { type: 'http', scheme: 'bearer' },
      },
    },
    security: [{ apiKey: [] }],
    paths: {
      '/api/v1/videos/track': {
        post: {
          summary: 'Start tracking a video (takes and charges the first snapshot)',
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              schema: { type: 'string', maxLength: 255 },
            },
          ],
          requestBody: { required: true, content: json(trackBody) },
          responses: {
            '201': { description: 'Tracking started', content: json(trackedVideoSchema) },
            '400': error('Invalid request (details name each bad field)'),
            ...commonErrors,
            '402': error('Insufficient balance: {error, balance, estimated_cost, required}'),
            '403': error('Account disabled, or concurrent video limit reached ({error, limit})'),
            '404': error('Video not found or is private'),
            '409': error('Idempotency-Key in use by a request still in flight'),
            '413': error('Payload too large'),
            '422': error('Idempotency key reused with a different request'),
            '500': {
              description:
                'The platform could not be read at track time (after a quick retry); nothing stored or charged',
              content: json(trackFailedSchema),
            },
          },
        },
      },
      '/api/v1/videos': {
        get: {
          summary: 'List videos, newest first',
          parameters: queryParameters(listVideosQuery),
          responses: {
            '200': { description: 'A page of videos', content: json(videoListSchema) },
            '400': error('Invalid query'),
            ...commonErrors,
          },
        },
      },
      '/api/v1/videos/{id}': {
        get: {
          summary: 'A video with all its snapshots (oldest first)',
          parameters: [idParam],
          responses: {
            '200': { description: 'The video', content: json(videoDetailSchema) },
            '404': error('Video not found'),
            ...commonErrors,
          },
        },
      },
      '/api/v1/videos/{id}/stop': statusChange('Stop tracking early; unused reservation is released'),
      '/api/v1/videos/{id}/pause': statusChange(
        'Pause tracking; the reservation for the remaining slots is released',
      ),
      '/api/v1/videos/{id}/resume': statusChange(
        'Resume a paused video within its original window (re-reserves the rest; 402 if short)',
      ),
      '/api/v1/videos/{id}/snapshots': {
        get: {
          summary: 'Snapshots of a video with growth deltas; format=csv (or Accept: text/csv) exports CSV',
          parameters: [idParam, ...queryParameters(snapshotsQuery)],
          responses: {
            '200': {
              description: 'Snapshots',
              content: {
                'application/json': {
                  schema: schema(z.object({ snapshots: z.array(snapshotSchema), has_more: z.boolean() })),
                },
                'text/csv': { schema: { type: 'string' } },
              },
            },
            '400': error('Invalid query'),
            '404': error('Video not found'),
            ...commonErrors,
          },
        },
      },
      '/api/v1/usage': {
        get: {
          summary: 'Balance and usage',
          responses: { '200': { description: 'Usage', content: json(usageSchema) }, ...commonErrors },
        },
      },
      '/api/v1/keys': {
        get: {
          summary: "The account's keys (prefix only)",
          responses: { '200': { description: 'Keys' }, ...commonErrors },
        },
        post: {
          summary: 'Create a key (shown once)',
          requestBody: { content: json(createKeyBody) },
          responses: {
            '201': { description: 'The new key' },
            '400': error('Invalid request'),
            '403': error('A test key cannot create live keys'),
            ...commonErrors,
          },
        },
      },
      '/api/v1/keys/{id}': {
        delete: {
          summary: 'Revoke a key',
          parameters: [idParam],
          responses: { '200': { description: 'Revoked' }, '404': error('Key not found'), ...commonErrors },
        },
      },
      '/admin/v1/accounts': {
        post: {
          summary: 'Create an account with a live and a test key',
          security: [{ adminToken: [] }],
          requestBody: { required: true, content: json(createAccountBody) },
          responses: {
            '201': { description: 'Account and keys (shown once)' },
            '400': error('Invalid request'),
            '401': error('Bad admin token'),
            '409': error('Email taken'),
          },
        },
      },
      '/admin/v1/accounts/{id}': {
        get: {
          summary: 'An account, its keys and its ledger totals',
          security: [{ adminToken: [] }],
          parameters: [idParam],
          responses: { '200': { description: 'Account' }, '404': error('Account not found') },
        },
        patch: {
          summary: 'Change plan, limits or the disabled flag (disabling cancels its trackings)',
          security: [{ adminToken: [] }],
          parameters: [idParam],
          requestBody: { required: true, content: json(patchAccountBody) },
          responses: {
            '200': { description: 'Account' },
            '400': error('Invalid request'),
            '404': error('Account not found'),
          },
        },
      },
      '/admin/v1/accounts/{id}/credits': {
        post: {
          summary: 'Add credit (or a negative adjustment, never below what is reserved)',
          security: [{ adminToken: [] }],
          parameters: [idParam],
          requestBody: { required: true, content: json(creditsBody) },
          responses: {
            '201': { description: 'Account' },
            '400': error('Invalid request'),
            '404': error('Account not found'),
          },
        },
      },
      '/admin/v1/videos/{id}/cancel': {
        post: {
          summary: 'Cancel a tracking',
          security: [{ adminToken: [] }],
          parameters: [idParam],
          responses: {
            '200': { description: 'Cancelled' },
            '404': error('Video not found'),
            '409': error('Already ended'),
          },
        },
      },
    },
  };
}

function statusChange(summary: string) {
  return {
    post: {
      summary,
      parameters: [idParam],
      responses: {
        '200': { description: '{success, id, job_id, video_link, previous_status, new_status}' },
        '404': error('Video not found'),
        '409': error('Not in a state that allows it'),
        ...commonErrors,
      },
    },
  };
}
