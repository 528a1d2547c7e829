import type { FastifyError } from 'fastify';
import { describe, expect, it } from 'vitest';
import { frameworkErrorReply } from './errors.ts';

const QUOTED_INPUT = `'/api/v1/videos/${'a'.repeat(300)}'`;

function frameworkError(statusCode: number | undefined, code: string): FastifyError {
  return Object.assign(new Error(`${QUOTED_INPUT} is not acceptable`), { statusCode, code }) as FastifyError;
}

describe('frameworkErrorReply answers fixed texts, never the error’s own message', () => {
  it.each([
    [
      400,
      'FST_ERR_SOMETHING_NEW',
      { error: 'Invalid request', details: [{ field: 'request', message: 'Malformed request' }] },
    ],
    [404, 'FST_ERR_NOT_FOUND', { error: 'Not found' }],
    [405, 'FST_ERR_SOMETHING_NEW', { error: 'Method Not Allowed' }],
    [431, 'FST_ERR_SOMETHING_NEW', { error: 'Request Header Fields Too Large' }],
    [414, 'FST_ERR_MAX_PARAM_LENGTH', { error: 'Not found' }],
  ])('a %i %s', (status, code, body) => {
    const reply = frameworkErrorReply(frameworkError(status, code));
    expect(reply?.body).toEqual(body);
    expect(JSON.stringify(reply)).not.toContain('aaaa');
    expect(JSON.stringify(reply)).not.toContain('FST_');
  });

  it.each([
    [500, 'FST_ERR_ASYNC_CONSTRAINT'],
    [undefined, 'ECONNREFUSED'],
  ])('a %s %s is not the client’s: left to the 500 answer', (status, code) => {
    expect(frameworkErrorReply(frameworkError(status, code))).toBeUndefined();
  });
});
