// A snapshot's public `id` (docs/api.md: `snp_…`, unguessable, beginning with its creation time). Since
// migration 010 it is not stored: it is derived from the video's id, the slot and the time the snapshot was
// taken, so it is the same at every read. Snapshots recorded before keep the random id they were given
// (`legacy_id`, from snapshot_legacy_ids).
import { hash } from 'node:crypto';
import { base62Digits, base62DigitsOf64 } from '../ids.ts';
import type { SnapshotRow } from '../store/snapshots.ts';

// The digits are made with Number arithmetic (ids.ts): each BigInt operation allocates, and this took 2.3 µs a
// track's snapshot. The ids must never change: src/presentation/snapshot-id.test.ts holds them to the original.

// A video's snapshots are presented together (a detail holds up to 720): its part is hashed once.
let stemVideoId = '';
let stem = '';

/** 11 base62 characters (64 bits) of the SHA-256 of the video's id: unguessable without the video's id. */
function videoStem(videoId: string): string {
  if (videoId !== stemVideoId) {
    const digest = hash('sha256', `snapshot/${videoId}`, 'buffer') as Buffer;
    stem = base62DigitsOf64(digest.readUInt32BE(0), digest.readUInt32BE(4), 11);
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
  return `snp_${base62Digits(snapshot.taken_at, 8)}${videoStem(videoId)}${base62Digits(snapshot.slot, 3)}`;
}
