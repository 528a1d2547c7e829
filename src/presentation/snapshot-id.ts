// A snapshot's public `id` (docs/api.md: `snp_…`, unguessable, beginning with its creation time). Since
// migration 010 it is not stored: it is derived from the video's id, the slot and the time the snapshot was
// taken, so it is the same at every read. Snapshots recorded before keep the random id they were given
// (`legacy_id`, from snapshot_legacy_ids).
import { hash } from 'node:crypto';
import type { SnapshotRow } from '../store/snapshots.ts';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const TWO_TO_32 = 0x1_0000_0000;

// Every snapshot a video's detail shows, and every track's 201, names one: the digits are made with Number
// arithmetic, not BigInt (each BigInt operation allocates; this took 2.3 µs a track's snapshot, and more in
// collections). The ids must never change: src/presentation/snapshot-id.test.ts holds them to the original.

/** The last `width` base62 digits of `value` (a safe non-negative integer; 0 for anything below 1). */
function base62(value: number, width: number): string {
  let out = '';
  let rest = Math.max(value, 0);
  for (let i = 0; i < width; i++) {
    const next = Math.floor(rest / 62);
    out = ALPHABET[rest - next * 62]! + out;
    rest = next;
  }
  return out;
}

/** The 11 base62 digits of the 64-bit number `high` · 2^32 + `low` (each half an unsigned 32-bit integer). */
function base62Of64(high: number, low: number): string {
  let out = '';
  let hi = high;
  let lo = low;
  for (let i = 0; i < 11; i++) {
    // Long division by 62 in two limbs: every intermediate stays below 62 · 2^32, well within 2^53.
    const hiNext = Math.floor(hi / 62);
    const carried = (hi - hiNext * 62) * TWO_TO_32 + lo;
    const loNext = Math.floor(carried / 62);
    out = ALPHABET[carried - loNext * 62]! + out;
    hi = hiNext;
    lo = loNext;
  }
  return out;
}

// A video's snapshots are presented together (a detail holds up to 720): its part is hashed once.
let stemVideoId = '';
let stem = '';

/** 11 base62 characters (64 bits) of the SHA-256 of the video's id: unguessable without the video's id. */
function videoStem(videoId: string): string {
  if (videoId !== stemVideoId) {
    const digest = hash('sha256', `snapshot/${videoId}`, 'buffer') as Buffer;
    stem = base62Of64(digest.readUInt32BE(0), digest.readUInt32BE(4));
    stemVideoId = videoId;
  }
  return stem;
}

/**
 * `snp_` + the time it was taken (8 base62 characters of the millisecond clock, as every time-ordered id) +
 * the video's stem (11) + the slot (3): 22 characters after the prefix, like the random ids before.
 */
export function snapshotId(
  videoId: string,
  snapshot: Pick<SnapshotRow, 'slot' | 'taken_at' | 'legacy_id'>,
): string {
  if (snapshot.legacy_id !== null) return snapshot.legacy_id;
  return `snp_${base62(snapshot.taken_at, 8)}${videoStem(videoId)}${base62(snapshot.slot, 3)}`;
}
