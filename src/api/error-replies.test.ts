import { describe, expect, it } from 'vitest';
import { accountErrorReply, fundsErrorReply, transitionErrorReply } from './error-replies.ts';

describe('what each domain error answers', () => {
  it('each account error has its own answer: an invalid plan is a 400 naming plan, not a 409', () => {
    expect(accountErrorReply({ kind: 'invalid_plan', plan: 'gold' })).toEqual({
      status: 400,
      body: {
        error: 'Invalid request',
        details: [{ field: 'plan', message: 'plan must be one of free, pro, enterprise' }],
      },
    });
    expect(accountErrorReply({ kind: 'email_taken' })).toEqual({
      status: 409,
      body: { error: 'An account with this email already exists' },
    });
    expect(accountErrorReply({ kind: 'account_not_found' })).toEqual({
      status: 404,
      body: { error: 'Account not found' },
    });
    expect(accountErrorReply({ kind: 'live_key_from_test_key' })).toEqual({
      status: 403,
      body: { error: 'Access denied', message: 'A test key can only create test keys' },
    });
    expect(accountErrorReply({ kind: 'key_not_found' })).toEqual({
      status: 404,
      body: { error: 'Key not found' },
    });
  });

  it('an overdrawing adjustment is a 400 naming amount_usd with what is available', () => {
    expect(fundsErrorReply({ kind: 'would_overdraw', availableMicroUsd: 2_500_000 })).toEqual({
      status: 400,
      body: {
        error: 'Invalid request',
        details: [
          { field: 'amount_usd', message: 'would take the balance below what is reserved (available 2.5)' },
        ],
      },
    });
  });

  it('a transition refused by the video status is a 409 naming the status', () => {
    expect(
      transitionErrorReply({
        kind: 'invalid_state',
        status: 'completed',
        message: 'Video is already completed',
      }),
    ).toEqual({ status: 409, body: { error: 'Video is already completed', status: 'completed' } });
  });
});
