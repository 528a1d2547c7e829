// Reads a response body into memory, but never more than the cap: a platform page that suddenly weighs
// 100 MB (or a hostile stand-in) must not take the worker's memory with it.
import type { Readable } from 'node:stream';
import type { HopResponse } from './transport.ts';

export type CappedBody = { ok: true; text: string } | { ok: false; bytesSeen: number };

export async function readCappedBody(response: HopResponse, maxBodyBytes: number): Promise<CappedBody> {
  const declared = Number(response.headers['content-length']);
  // Content-Length counts encoded bytes; it is only a safe early refusal when nothing will be decompressed.
  if (!response.headers['content-encoding'] && Number.isFinite(declared) && declared > maxBodyBytes) {
    response.discard();
    return { ok: false, bytesSeen: declared };
  }
  let read: { chunks: Uint8Array[]; total: number; over: boolean };
  try {
    read = isNodeStream(response.body)
      ? await collectStream(response.body, maxBodyBytes)
      : await collectIterable(response.body, maxBodyBytes);
  } finally {
    response.discard();
  }
  if (read.over) return { ok: false, bytesSeen: read.total };
  // Buffer's UTF-8 decoding is several times faster than TextDecoder's here; like TextDecoder it replaces
  // malformed sequences, and the byte order mark is dropped the same way.
  const first = read.chunks[0];
  const bytes =
    read.chunks.length === 1 && first
      ? Buffer.from(first.buffer, first.byteOffset, first.byteLength)
      : Buffer.concat(read.chunks);
  const text = bytes.toString('utf8');
  return { ok: true, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
}

function isNodeStream(body: HopResponse['body']): body is AsyncIterable<Uint8Array> & Readable {
  return (
    typeof (body as Partial<Readable>).on === 'function' &&
    typeof (body as Partial<Readable>).pause === 'function'
  );
}

/** Node streams (undici's plain path) are read by events: cheaper than an async iterator per response. */
function collectStream(stream: Readable, maxBodyBytes: number) {
  return new Promise<{ chunks: Uint8Array[]; total: number; over: boolean }>((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let total = 0;
    const onData = (chunk: Uint8Array) => {
      total += chunk.byteLength;
      if (total > maxBodyBytes) {
        stream.off('data', onData);
        resolve({ chunks, total, over: true });
        return;
      }
      chunks.push(chunk);
    };
    stream.on('data', onData);
    stream.once('end', () => resolve({ chunks, total, over: false }));
    stream.once('error', reject);
    // A body cut off without an error (the connection went away) must not leave the caller waiting.
    stream.once('close', () => {
      if (!stream.readableEnded) reject(new Error('the body ended before it was complete'));
    });
  });
}

async function collectIterable(body: AsyncIterable<Uint8Array>, maxBodyBytes: number) {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.byteLength;
    if (total > maxBodyBytes) return { chunks, total, over: true };
    chunks.push(chunk);
  }
  return { chunks, total, over: false };
}
