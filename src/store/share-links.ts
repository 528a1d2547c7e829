// Share links: stored by the hash of their token, found by it (an index lookup, so a guess learns nothing
// from timing), listed and revoked by their owner.
import type { Mode, ShareLinkRow, ShareLinksTable } from './schema.ts';
import type { Executor } from './transaction.ts';

export async function insertShareLink(ex: Executor, link: ShareLinksTable): Promise<void> {
  await ex.db.insertInto('share_links').values(link).execute();
}

const asNumbers = (row: ShareLinkRow): ShareLinkRow => ({
  ...row,
  created_at: Number(row.created_at),
  expires_at: row.expires_at === null ? null : Number(row.expires_at),
  revoked_at: row.revoked_at === null ? null : Number(row.revoked_at),
});

/**
 * The link with this token hash if it opens now: not revoked, not expired, and its account not disabled.
 * Every other case (no such link included) is the same undefined.
 */
export async function findOpenShareLink(
  ex: Executor,
  tokenHash: string,
  now: number,
): Promise<ShareLinkRow | undefined> {
  const row = await ex.db
    .selectFrom('share_links')
    .innerJoin('accounts', 'accounts.id', 'share_links.account_id')
    .selectAll('share_links')
    .where('share_links.token_hash', '=', tokenHash)
    .where('share_links.revoked_at', 'is', null)
    .where((eb) => eb.or([eb('share_links.expires_at', 'is', null), eb('share_links.expires_at', '>', now)]))
    .where('accounts.disabled', '=', 0)
    .executeTakeFirst();
  return row ? asNumbers(row) : undefined;
}

/** The account's links in one mode, newest first (revoked and expired ones included, marked as such). */
export async function listShareLinks(ex: Executor, accountId: string, mode: Mode): Promise<ShareLinkRow[]> {
  const rows = await ex.db
    .selectFrom('share_links')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('mode', '=', mode)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map(asNumbers);
}

/** Revokes the link if it is the account's (in this mode) and not revoked yet; true when it did. */
export async function revokeShareLink(
  ex: Executor,
  accountId: string,
  mode: Mode,
  id: string,
  at: number,
): Promise<boolean> {
  const result = await ex.db
    .updateTable('share_links')
    .set({ revoked_at: at })
    .where('id', '=', id)
    .where('account_id', '=', accountId)
    .where('mode', '=', mode)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
