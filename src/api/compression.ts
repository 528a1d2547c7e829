// Compressed answers. A video's detail with 720 snapshots is about 170 KB of JSON, a page of 100 videos about
// 100 KB; both compress to a tenth. The dashboard's files are compressed once at start (dashboard/assets.ts);
// the API's answers that are worth it are compressed as they are sent, on libuv's thread pool, never on the
// event loop. Streamed answers (the exports) go as they are.
import { brotliCompress, gzip, constants as zlibConstants } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Below this an answer fits in one TCP segment (about 1,400 bytes) whatever its encoding: compressing it would
 * save no round trip and cost the CPU time. Most answers are under it (usage, a track's 201, errors).
 */
export const MIN_COMPRESSED_ANSWER_BYTES = 1400;

/** Brotli's quality for answers made on request: about gzip's speed at level 6, a smaller result. */
const BROTLI_QUALITY = 4;

const COMPRESSIBLE_TYPE = /^(?:application\/(?:json|[\w.+-]*\+json|xml|javascript)|text\/)/i;

/**
 * The encodings the client accepts: a `q=0` refuses one, and `*` stands for gzip unless gzip is refused by name
 * (RFC 9110: `*` covers only the codings the header does not list).
 */
export function acceptedEncodings(request: FastifyRequest): Set<string> {
  const header = request.headers['accept-encoding'];
  const names = new Set<string>();
  const refused = new Set<string>();
  let anyOther = false;
  for (const part of (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (q !== undefined && Number(q.slice(2)) === 0) {
      refused.add(name);
      continue;
    }
    if (name === '*') anyOther = true;
    else names.add(name);
  }
  if (anyOther && !refused.has('gzip')) names.add('gzip');
  return names;
}

type Done = (error: Error | null, payload?: unknown) => void;

/**
 * An onSend step: `payload` as is, or compressed (brotli when accepted, else gzip) when it is a text answer
 * worth compressing and the client accepts one of them. Sets Content-Encoding and Vary.
 */
export function compressAnswer(
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
  done: Done,
): void {
  const size = typeof payload === 'string' ? payload.length : Buffer.isBuffer(payload) ? payload.length : 0;
  // A string's length counts UTF-16 units, at most its UTF-8 bytes: an answer under the threshold by this
  // measure may be slightly over it in bytes, never the other way round.
  if (
    size < MIN_COMPRESSED_ANSWER_BYTES ||
    request.method === 'HEAD' ||
    request.headers['accept-encoding'] === undefined ||
    reply.hasHeader('content-encoding') ||
    !COMPRESSIBLE_TYPE.test(String(reply.getHeader('content-type') ?? ''))
  ) {
    done(null, payload);
    return;
  }
  const encodings = acceptedEncodings(request);
  const encoding = encodings.has('br') ? 'br' : encodings.has('gzip') ? 'gzip' : undefined;
  if (encoding === undefined) {
    done(null, payload);
    return;
  }
  const body = payload as string | Buffer;
  const finish = (error: Error | null, compressed: Buffer) => {
    // Compression does not fail on a string or a buffer; should it, the answer goes as it is.
    if (error) {
      done(null, payload);
      return;
    }
    reply
      .header('content-encoding', encoding)
      .header('vary', 'accept-encoding')
      .removeHeader('content-length');
    done(null, compressed);
  };
  if (encoding === 'br') {
    brotliCompress(
      body,
      {
        params: {
          [zlibConstants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
          [zlibConstants.BROTLI_PARAM_MODE]: zlibConstants.BROTLI_MODE_TEXT,
          [zlibConstants.BROTLI_PARAM_SIZE_HINT]: size,
        },
      },
      finish,
    );
  } else {
    gzip(body, finish);
  }
}
