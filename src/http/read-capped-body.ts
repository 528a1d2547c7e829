// Reading a response body into memory, but never more than the cap: a platform page that suddenly weighs
// 100 MB (or a hostile stand-in) must not take the worker's memory with it. What both transports share.
import { err, ok } from '../result.ts';
import type { CappedBody } from './transport.ts';

/**
 * The declared Content-Length when it alone shows the body is over the cap. It counts encoded bytes, so it
 * is only a safe early refusal when nothing will be decompressed.
 */
export function declaredOverCap(headers: Record<string, string>, maxBodyBytes: number): number | null {
  if (headers['content-encoding']) return null;
  const declared = Number(headers['content-length']);
  return Number.isFinite(declared) && declared > maxBodyBytes ? declared : null;
}

/** The body's bytes in one buffer (a single chunk is viewed, not copied). */
export function joinedBytes(chunks: readonly Uint8Array[]): Buffer {
  const first = chunks[0];
  return chunks.length === 1 && first
    ? Buffer.from(first.buffer, first.byteOffset, first.byteLength)
    : Buffer.concat(chunks);
}

/** The body's bytes as text. */
export function utf8Text(bytes: Buffer): string {
  // Buffer's UTF-8 decoding is several times faster than TextDecoder's here; like TextDecoder it replaces
  // malformed sequences, and the byte order mark is dropped the same way.
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Reads an iterable body up to the cap; `discard` is called in any case (it stops what was not read). */
export async function readCappedIterable(
  body: AsyncIterable<Uint8Array>,
  headers: Record<string, string>,
  maxBodyBytes: number,
  discard: () => void,
): Promise<CappedBody> {
  const declared = declaredOverCap(headers, maxBodyBytes);
  if (declared !== null) {
    discard();
    return err({ kind: 'too_large', bytesSeen: declared });
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for await (const chunk of body) {
      total += chunk.byteLength;
      if (total > maxBodyBytes) return err({ kind: 'too_large', bytesSeen: total });
      chunks.push(chunk);
    }
  } finally {
    discard();
  }
  return ok(joinedBytes(chunks));
}
