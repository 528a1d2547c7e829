// X-API-Key authentication. The key's checksum is verified before any database read; found keys are cached
// briefly (a revocation or account change made through this process clears the cache at once).
import { checkApiKeyFormat, hashApiKey } from '../accounts/api-keys.ts';
import type { Clock } from '../clock.ts';
import { findActiveKeyByHash, touchApiKey } from '../store/api-keys.ts';
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
  expiresAt: number;
  lastTouchedAt: number;
}

const CACHE_TTL_MS = 5_000;
const CACHE_MAX_ENTRIES = 50_000;
const TOUCH_EVERY_MS = 60_000;

export type AuthResult = { ok: true; context: AuthContext } | { ok: false; error: ApiErrorReply };

export interface Authenticator {
  /** Answers at once (no promise) when the key is in the cache, which is nearly every request. */
  authenticate(header: string | string[] | undefined): AuthResult | Promise<AuthResult>;
  /** Forget every cached key (after a revocation, a disabled account, a plan change). */
  invalidate(): void;
}

export function createAuthenticator(store: Executor, clock: Clock): Authenticator {
  const cache = new Map<string, CacheEntry>();
  const answer = (entry: CacheEntry, now: number): AuthResult => {
    if (!entry.context) return { ok: false, error: invalidApiKey };
    if (now - entry.lastTouchedAt >= TOUCH_EVERY_MS) {
      entry.lastTouchedAt = now;
      // last_used_at is informative; it is written at most once a minute per key and never delays a request.
      touchApiKey(store, entry.context.keyId, now).catch(() => undefined);
    }
    return { ok: true, context: entry.context };
  };
  return {
    invalidate: () => cache.clear(),
    authenticate(header) {
      const key = Array.isArray(header) ? header[0] : header;
      if (key === undefined || key.trim() === '') return { ok: false, error: apiKeyRequired };
      const now = clock.now();
      // Cached by the key itself: a repeat caller skips the checksum, the hash and the database.
      const entry = cache.get(key);
      if (entry && entry.expiresAt > now) return answer(entry, now);
      if (!checkApiKeyFormat(key)) return { ok: false, error: invalidApiKey };
      return findActiveKeyByHash(store, hashApiKey(key)).then((found) => {
        const context = found ? { keyId: found.key.id, mode: found.key.mode, account: found.account } : null;
        if (cache.size >= CACHE_MAX_ENTRIES) cache.clear();
        const fresh = { context, expiresAt: now + CACHE_TTL_MS, lastTouchedAt: entry?.lastTouchedAt ?? 0 };
        cache.set(key, fresh);
        return answer(fresh, now);
      });
    },
  };
}
