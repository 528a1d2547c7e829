// Every error the API answers, in one place: the status and the exact JSON body (the table in docs/api.md).
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyReply } from 'fastify';

export interface FieldIssue {
  field: string;
  message: string;
}

export interface ApiErrorReply {
  status: number;
  body: { error: string } & Record<string, unknown>;
}

export const invalidRequest = (details: FieldIssue[]): ApiErrorReply => ({
  status: 400,
  body: { error: 'Invalid request', details },
});

export const apiKeyRequired: ApiErrorReply = { status: 401, body: { error: 'API key required' } };
export const invalidApiKey: ApiErrorReply = { status: 401, body: { error: 'Invalid API key' } };
export const accessDenied = (message?: string): ApiErrorReply => ({
  status: 403,
  body: message ? { error: 'Access denied', message } : { error: 'Access denied' },
});
export const videoNotFound: ApiErrorReply = { status: 404, body: { error: 'Video not found' } };
export const notFound = (what: string): ApiErrorReply => ({
  status: 404,
  body: { error: `${what} not found` },
});
export const conflict = (message: string, extra: Record<string, unknown> = {}): ApiErrorReply => ({
  status: 409,
  body: { error: message, ...extra },
});
export const payloadTooLarge: ApiErrorReply = { status: 413, body: { error: 'Payload too large' } };
export const internalError: ApiErrorReply = { status: 500, body: { error: 'Internal server error' } };

export const insufficientBalance = (availableMicroUsd: number, estimatedMicroUsd: number): ApiErrorReply => ({
  status: 402,
  body: {
    error: 'Insufficient balance',
    balance: availableMicroUsd / 1e6,
    estimated_cost: estimatedMicroUsd / 1e6,
    required: (estimatedMicroUsd - availableMicroUsd) / 1e6,
  },
});

/** The body of a route that does not exist (and of a path no route could ever match). */
export const routeNotFound: ApiErrorReply = { status: 404, body: { error: 'Not found' } };

const malformedJson = invalidRequest([{ field: 'body', message: 'Malformed JSON' }]);

/**
 * The answer to an error Fastify raised itself (routing, body parsing), or undefined when it is not the
 * client's fault. Fastify's own messages quote the input (the URL, a header) and name its internal codes, so
 * every answer here is a fixed text.
 */
export function frameworkErrorReply(error: FastifyError): ApiErrorReply | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return payloadTooLarge;
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        status: 415,
        body: {
          error: 'Unsupported Media Type',
          details: [{ field: 'Content-Type', message: 'must be application/json' }],
        },
      };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return invalidRequest([{ field: 'body', message: 'Body must not be empty' }]);
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return malformedJson;
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return invalidRequest([{ field: 'Content-Length', message: 'does not match the size of the body' }]);
    case 'FST_ERR_BAD_URL':
      return invalidRequest([{ field: 'url', message: 'The URL path is not valid percent-encoding' }]);
    case 'FST_ERR_MAX_PARAM_LENGTH':
      // Longer than any id: no resource has it.
      return routeNotFound;
  }
  const status = error.statusCode;
  if (status === undefined || status < 400 || status >= 500) return undefined;
  // The JSON parser's refusal of "__proto__" and "constructor.prototype" keys is a SyntaxError.
  if (status === 400 && error instanceof SyntaxError) return malformedJson;
  if (status === 400) return invalidRequest([{ field: 'request', message: 'Malformed request' }]);
  if (status === 404) return routeNotFound;
  return { status, body: { error: STATUS_CODES[status] ?? 'Client error' } };
}

export function sendError(reply: FastifyReply, error: ApiErrorReply): FastifyReply {
  return reply.code(error.status).send(error.body);
}

/** contentstats.io's text of track's 500, which client code matches byte for byte. */
export const TRACK_FAILED_ERROR = 'Failed to start monitoring - invalid response from tracking API';
