// X-API-Key authentication. The key's checksum is verified before any database read; found keys are cached,
// and the cache holds only while the database's auth version stays where it was when the key was looked up:
// every revocation and account change raises it, in whichever process it is made (another API process, the
// CLI), so it takes effect on the next request everywhere. The version is read once per turn of the event loop
// and shared by the requests that turn handles (see readVersionOncePerTurn).
import { checkApiKeyFormat, hashApiKey } from '../accounts/api-keys.ts';
import type { Clock } from '../clock.ts';
import { findActiveKeyByHash, touchApiKey } from '../store/api-keys.ts';
import { authVersionRaisesInThisProcess, readAuthVersion } from '../store/auth-version.ts';
import type { Account, Mode } from '../store/schema.ts';
import type { Executor } from '../store/transaction.ts';
import { type ApiErrorReply, apiKeyRequired, invalidApiKey } from './errors.ts';

export interface AuthContext {
  keyId: string;
  mode: Mode;
  account: Account;
}

interface CacheEntry {
  context: AuthContext | null;
  /** The answer for this key, made once: a repeat caller gets the same object. */
  result: AuthResult;
  expiresAt: number;
  lastTouchedAt: number;
}

/** Changes that do not raise the auth version (a top-up changing the cached balance) are seen within this. */
const CACHE_TTL_MS = 5_000;
const CACHE_MAX_ENTRIES = 50_000;
const TOUCH_EVERY_MS = 60_000;

export type AuthResult = { ok: true; context: AuthContext } | { ok: false; error: ApiErrorReply };

export interface Authenticator {
  /**
   * Answers at once (no promise) when the key is in the cache and the auth version can be read without a
   * round trip (SQLite), which is nearly every request there.
   */
  authenticate(header: string | string[] | undefined): AuthResult | Promise<AuthResult>;
}

/**
 * The auth version, read once per turn of the event loop and shared by every request that turn handles (under
 * load, dozens): the read costs as much as the whole /usage query, and every request of one turn reached the
 * process while the turn's read was being made, so none of them is answered under a version older than its
 * own arrival by more than that turn. A change committed after the read takes effect from the next turn, on
 * PostgreSQL as on SQLite — sooner than a LISTEN/NOTIFY message could arrive.
 */
function readVersionOncePerTurn(store: Executor): () => number | Promise<number> {
  let thisTurn: number | Promise<number> | undefined;
  let raisesBeforeTurn = authVersionRaisesInThisProcess();
  let endOfTurnScheduled = false;
  const endTurn = () => {
    thisTurn = undefined;
    raisesBeforeTurn = authVersionRaisesInThisProcess();
    endOfTurnScheduled = false;
  };
  return () => {
    if (!endOfTurnScheduled) {
      endOfTurnScheduled = true;
      // The check phase follows the I/O callbacks of the turn.
      setImmediate(endTurn);
    }
    // A change made in this process (a key revoked through the API) commits in the middle of a turn: from the
    // raise on, each request of that turn reads for itself, so the next one sees it.
    if (authVersionRaisesInThisProcess() !== raisesBeforeTurn) return readAuthVersion(store);
    thisTurn ??= readAuthVersion(store);
    return thisTurn;
  };
}

export function createAuthenticator(store: Executor, clock: Clock): Authenticator {
  const cache = new Map<string, CacheEntry>();
  const currentVersion = readVersionOncePerTurn(store);
  /** The auth version the cached entries were looked up under. */
  let cachedVersion: number | undefined;
  const answer = (entry: CacheEntry, now: number): AuthResult => {
    if (entry.context && now - entry.lastTouchedAt >= TOUCH_EVERY_MS) {
      entry.lastTouchedAt = now;
      // last_used_at is informative; it is written at most once a minute per key and never delays a request.
      touchApiKey(store, entry.context.keyId, now).catch(() => undefined);
    }
    return entry.result;
  };
  const lookUp = (key: string, version: number, now: number): AuthResult | Promise<AuthResult> => {
    // The version only rises. A read that comes back lower was overtaken by a newer one (PostgreSQL reads
    // complete out of order): that request looks its key up afresh and keeps nothing.
    if (cachedVersion !== undefined && version < cachedVersion) return findAndAnswer(key, version, now);
    if (version !== cachedVersion) {
      cache.clear();
      cachedVersion = version;
    }
    // Cached by the key itself: a repeat caller skips the checksum, the hash and the key's lookup.
    const entry = cache.get(key);
    if (entry && entry.expiresAt > now) return answer(entry, now);
    return findAndAnswer(key, version, now, entry?.lastTouchedAt ?? 0);
  };
  const findAndAnswer = (
    key: string,
    version: number,
    now: number,
    lastTouchedAt = 0,
  ): AuthResult | Promise<AuthResult> => {
    if (!checkApiKeyFormat(key)) return { ok: false, error: invalidApiKey };
    return findActiveKeyByHash(store, hashApiKey(key)).then((found) => {
      const context = found ? { keyId: found.key.id, mode: found.key.mode, account: found.account } : null;
      const fresh: CacheEntry = {
        context,
        result: context ? { ok: true, context } : { ok: false, error: invalidApiKey },
        expiresAt: now + CACHE_TTL_MS,
        lastTouchedAt,
      };
      // Read under the version read before it: if that moved meanwhile, the answer may predate the change and
      // is not kept (the next request looks again).
      if (version === cachedVersion) {
        if (cache.size >= CACHE_MAX_ENTRIES) cache.clear();
        cache.set(key, fresh);
      }
      return answer(fresh, now);
    });
  };
  return {
    authenticate(header) {
      const key = Array.isArray(header) ? header[0] : header;
      if (key === undefined || key.trim() === '') return { ok: false, error: apiKeyRequired };
      const now = clock.now();
      const version = currentVersion();
      return version instanceof Promise
        ? version.then((read) => lookUp(key, read, now))
        : lookUp(key, version, now);
    },
  };
}
