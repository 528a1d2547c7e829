// Every error the API answers, in one place: the status and the exact JSON body (the table in docs/api.md).
import type { FastifyReply } from 'fastify';

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

export function sendError(reply: FastifyReply, error: ApiErrorReply): FastifyReply {
  return reply.code(error.status).send(error.body);
}
