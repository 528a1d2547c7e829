import type { Kysely, Migration } from 'kysely';

/**
 * Tags and metadata on videos (campaigns). `videos.metadata` holds the caller's key → value object as JSON text
 * and `videos.tags` the tags as given, in order, as JSON text: what every video object shows, read with the
 * row. `video_tags` holds one row per tag of a video, keyed by its comparison form (`tag_key`: trimmed and
 * lowercased), for finding an account's videos carrying a tag — newest first, keyset-paged, through
 * `video_tags_by_account` — and for the campaign roll-ups. Both are written by the same statements
 * (store/tags.ts), so they never disagree.
 */
export const tagsMetadataMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('videos')
      .addColumn('metadata', 'text', (c) => c.notNull().defaultTo('{}'))
      .execute();
    await db.schema
      .alterTable('videos')
      .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
      .execute();
    await db.schema
      .createTable('video_tags')
      .addColumn('video_id', 'text', (c) => c.notNull().references('videos.id'))
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('tag', 'text', (c) => c.notNull())
      .addColumn('tag_key', 'text', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      // The video's created_at (which never changes), so the index below serves the list's order and cursor.
      .addColumn('video_created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('video_tags_pk', ['video_id', 'tag_key'])
      .execute();
    await db.schema
      .createIndex('video_tags_by_account')
      .on('video_tags')
      .columns(['account_id', 'mode', 'tag_key', 'video_created_at', 'video_id'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('video_tags').execute();
    await db.schema.alterTable('videos').dropColumn('tags').execute();
    await db.schema.alterTable('videos').dropColumn('metadata').execute();
  },
};
