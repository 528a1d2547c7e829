// The one shape of an operation that can fail in an expected way: its value, or an error value with a kind
// (which the caller maps to what it answers: an HTTP status, a CLI message). Unexpected failures still throw.

export type Ok<T> = { ok: true; value: T };
export type Err<E extends { kind: string }> = { ok: false; error: E };
export type Result<T, E extends { kind: string }> = Ok<T> | Err<E>;

export function ok(): Ok<undefined>;
export function ok<T>(value: T): Ok<T>;
export function ok<T>(value?: T): Ok<T | undefined> {
  return { ok: true, value };
}

export const err = <const E extends { kind: string }>(error: E): Err<E> => ({ ok: false, error });
