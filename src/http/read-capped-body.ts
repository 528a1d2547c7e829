// Reads a response body into memory, but never more than the cap: a platform page that suddenly weighs
// 100 MB (or a hostile stand-in) must not take the worker's memory with it.
import type { HopResponse } from './transport.ts';

export type CappedBody = { ok: true; text: string } | { ok: false; bytesSeen: number };

export async function readCappedBody(response: HopResponse, maxBodyBytes: number): Promise<CappedBody> {
  const declared = Number(response.headers['content-length']);
  // Content-Length counts encoded bytes; it is only a safe early refusal when nothing will be decompressed.
  if (!response.headers['content-encoding'] && Number.isFinite(declared) && declared > maxBodyBytes) {
    response.discard();
    return { ok: false, bytesSeen: declared };
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for await (const chunk of response.body) {
      total += chunk.byteLength;
      if (total > maxBodyBytes) return { ok: false, bytesSeen: total };
      chunks.push(chunk);
    }
  } finally {
    response.discard();
  }
  // Buffer's UTF-8 decoding is several times faster than TextDecoder's here; like TextDecoder it replaces
  // malformed sequences, and the byte order mark is dropped the same way.
  const bytes =
    chunks.length === 1
      ? Buffer.from(chunks[0]!.buffer, chunks[0]!.byteOffset, chunks[0]!.byteLength)
      : Buffer.concat(chunks);
  const text = bytes.toString('utf8');
  return { ok: true, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
}
