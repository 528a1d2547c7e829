// @ts-check
// What the API this dashboard ships with offers beyond the core endpoints. The dashboard and the service are
// released together, so these are facts about this version, not guesses made at run time.
export const FEATURES = Object.freeze({
  /** Tags and metadata on videos, GET /tags and the per-tag summary (campaign pages). */
  tags: true,
  /** POST /videos/track/batch. */
  batchTrack: true,
  /** GET /exports/snapshots?format=csv|xlsx, with video_id for one video's (a campaign's: with tag). */
  exports: true,
  /** POST /share-links and the read-only page at /s/<token>. */
  shareLinks: true,
});
