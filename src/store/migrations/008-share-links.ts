import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Share links: a token that opens one video's or one campaign's (tag's) data without an API key. Only the
 * token's SHA-256 is stored (as for API keys); `prefix` is its first characters, for listings. A link names
 * exactly one scope, in the mode (live or test) of the key that made it.
 */
export const shareLinksMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('share_links')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('prefix', 'text', (c) => c.notNull())
      .addColumn('video_id', 'text', (c) => c.references('videos.id'))
      .addColumn('tag', 'text')
      // 'api' (POST /share-links) or 'email' (the data links of a notification email).
      .addColumn('origin', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint')
      .addColumn('revoked_at', 'bigint')
      .addCheckConstraint('share_links_one_scope', sql`(video_id is null) <> (tag is null)`)
      .execute();
    await db.schema
      .createIndex('share_links_by_account')
      .on('share_links')
      .columns(['account_id', 'mode', 'created_at', 'id'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('share_links').execute();
  },
};
