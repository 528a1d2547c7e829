import { type Kysely, type Migration, sql } from 'kysely';

/**
 * `videos.snapshots_pruned_at`: when `contentstats prune` removed the video's last snapshot rows (set in the
 * same transaction as that delete, or as the drop of its PostgreSQL partition; store/prune.ts,
 * store/snapshot-partitions.ts); null while it holds its rows — also for videos pruned before this migration,
 * whose time is not known. `videos_prune_candidates` holds the ended videos not marked yet, in order of their
 * end: what prune looks through, so a video done once is never looked at again.
 */
export const snapshotsPrunedAtMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('videos').addColumn('snapshots_pruned_at', 'bigint').execute();
    await db.schema
      .createIndex('videos_prune_candidates')
      .on('videos')
      .columns(['ended_at', 'id'])
      .where(sql.ref('ended_at'), 'is not', null)
      .where(sql.ref('snapshots_pruned_at'), 'is', null)
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('videos_prune_candidates').execute();
    await db.schema.alterTable('videos').dropColumn('snapshots_pruned_at').execute();
  },
};
