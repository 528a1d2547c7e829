// @ts-check
// The API key lives in this tab's session storage only: it is gone when the tab closes, never written to a
// cookie, local storage or a URL, and sent only as the X-API-Key header.

const STORAGE_KEY = 'contentstats.apiKey';
/** The form of a key (the server checks its checksum). */
export const KEY_PATTERN = /^cs_(live|test)_[A-Za-z0-9_-]{10,200}$/;

/** @returns {string | null} */
export function storedKey() {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

/** @param {string} key */
export function storeKey(key) {
  sessionStorage.setItem(STORAGE_KEY, key);
}

export function forgetKey() {
  sessionStorage.removeItem(STORAGE_KEY);
}

/** @param {string | null} key */
export function isTestKey(key) {
  return Boolean(key?.startsWith('cs_test_'));
}
