// Share links: a random token that opens one video's or one campaign's (tag's) data, read-only, without an
// API key. The token is shown once; only its hash is kept (as for API keys). A link belongs to an account
// and a mode, and shows nothing outside its scope.
import { newId, randomBase62 } from '../ids.ts';
import { err, ok, type Result } from '../result.ts';
import type { Mode, ShareLinkRow } from '../store/schema.ts';
import {
  findOpenShareLink,
  insertShareLink,
  listShareLinks as listStoredShareLinks,
  revokeShareLink as revokeStoredShareLink,
} from '../store/share-links.ts';
import type { Executor } from '../store/transaction.ts';
import { findOwnedVideo } from '../store/videos.ts';
import { hashSecret } from './api-keys.ts';

const TOKEN_PATTERN = /^shr_[0-9A-Za-z]{32}$/;
const TOKEN_PREFIX_LENGTH = 10;
/** The data links of a notification email open for this long. */
export const EMAIL_SHARE_LINK_TTL_MS = 30 * 86_400_000;

export type ShareScope = { videoId: string; tag?: undefined } | { tag: string; videoId?: undefined };

export interface NewShareLink {
  accountId: string;
  mode: Mode;
  scope: ShareScope;
  expiresAt: number | null;
  origin: ShareLinkRow['origin'];
  now: number;
}

export interface IssuedShareLink {
  row: ShareLinkRow;
  /** Shown once: the link is `PUBLIC_BASE_URL/s/<token>`. */
  token: string;
}

export type ShareLinkError =
  | { kind: 'video_not_found' }
  | { kind: 'expiry_not_in_future' }
  | { kind: 'share_link_not_found' };

/**
 * Makes a link for a scope already known to be the account's (the email's video, in the transaction that ends
 * its tracking). The token is 190 random bits.
 */
export async function issueShareLink(ex: Executor, link: NewShareLink): Promise<IssuedShareLink> {
  const token = `shr_${randomBase62(32)}`;
  const row: ShareLinkRow = {
    id: newId('shl'),
    account_id: link.accountId,
    mode: link.mode,
    token_hash: hashSecret(token),
    prefix: token.slice(0, TOKEN_PREFIX_LENGTH),
    video_id: link.scope.videoId ?? null,
    tag: link.scope.tag ?? null,
    origin: link.origin,
    created_at: link.now,
    expires_at: link.expiresAt,
    revoked_at: null,
  };
  await insertShareLink(ex, row);
  return { row, token };
}

/** POST /share-links: a link to one of the caller's videos (in its mode) or to one of its tags. */
export async function createShareLink(
  ex: Executor,
  link: Omit<NewShareLink, 'origin'>,
): Promise<Result<IssuedShareLink, ShareLinkError>> {
  if (link.expiresAt !== null && link.expiresAt <= link.now) return err({ kind: 'expiry_not_in_future' });
  if (link.scope.videoId !== undefined) {
    const video = await findOwnedVideo(ex, link.accountId, link.mode, link.scope.videoId);
    if (!video) return err({ kind: 'video_not_found' });
  }
  return ok(await issueShareLink(ex, { ...link, origin: 'api' }));
}

export async function listShareLinks(ex: Executor, accountId: string, mode: Mode): Promise<ShareLinkRow[]> {
  return listStoredShareLinks(ex, accountId, mode);
}

export async function revokeShareLink(
  ex: Executor,
  accountId: string,
  mode: Mode,
  id: string,
  now: number,
): Promise<Result<true, ShareLinkError>> {
  const revoked = await revokeStoredShareLink(ex, accountId, mode, id, now);
  return revoked ? ok(true) : err({ kind: 'share_link_not_found' });
}

/**
 * The link a token opens now, or undefined: a malformed, unknown, revoked or expired token, or one whose
 * account is disabled, are all the same undefined (the caller answers them all alike).
 */
export async function openShareLink(
  ex: Executor,
  token: string,
  now: number,
): Promise<ShareLinkRow | undefined> {
  if (!TOKEN_PATTERN.test(token)) return undefined;
  return findOpenShareLink(ex, hashSecret(token), now);
}
