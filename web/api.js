// @ts-check
// The dashboard's only way to the service: the public HTTP API, as any client calls it.

/**
 * @typedef {{ok: true, status: number, body: any, headers: Headers}
 *   | {ok: false, status: number, body: any, headers: Headers | null, message: string}} ApiAnswer
 * @typedef {Record<string, string | number | boolean | undefined | null | (string | number)[]>} Query
 */

/** @param {Query | undefined} query */
export function queryString(query) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    for (const one of Array.isArray(value) ? value : [value]) params.append(name, String(one));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/**
 * A readable sentence for a refused request: the API's own error, its field details, or the status.
 * @param {number} status
 * @param {any} body
 */
export function errorMessage(status, body) {
  if (body && typeof body === 'object' && typeof body.error === 'string') {
    const details = Array.isArray(body.details)
      ? body.details
          .map((/** @type {any} */ d) => (d?.field ? `${d.field}: ${d.message}` : String(d?.message ?? '')))
          .filter(Boolean)
      : [];
    const extra = typeof body.message === 'string' ? [body.message] : [];
    return [body.error, ...extra, ...details].join(' — ');
  }
  if (status === 0) return 'The service could not be reached.';
  return `The service answered ${status}.`;
}

export class ApiClient {
  /**
   * @param {string} key
   * @param {{onUnauthorized?: () => void}} [hooks]
   */
  constructor(key, hooks = {}) {
    this.key = key;
    this.hooks = hooks;
    /** Requests left in the key's current rate-limit window, as last reported. */
    this.rateRemaining = Number.POSITIVE_INFINITY;
  }

  /**
   * @param {'GET' | 'POST' | 'PATCH' | 'DELETE'} method
   * @param {string} path under /api/v1, e.g. `/videos`
   * @param {{query?: Query, body?: unknown, headers?: Record<string, string>}} [options]
   * @returns {Promise<ApiAnswer>}
   */
  async request(method, path, options = {}) {
    /** @type {Record<string, string>} */
    const headers = { 'x-api-key': this.key, accept: 'application/json', ...options.headers };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    let response;
    try {
      response = await fetch(`/api/v1${path}${queryString(options.query)}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch {
      return { ok: false, status: 0, body: null, headers: null, message: errorMessage(0, null) };
    }
    const remaining = response.headers.get('x-ratelimit-remaining');
    if (remaining !== null) this.rateRemaining = Number(remaining);
    const type = response.headers.get('content-type') ?? '';
    const body = type.includes('json') ? await response.json().catch(() => null) : await response.text();
    if (response.status === 401) this.hooks.onUnauthorized?.();
    if (response.ok) return { ok: true, status: response.status, body, headers: response.headers };
    return {
      ok: false,
      status: response.status,
      body,
      headers: response.headers,
      message: errorMessage(response.status, body),
    };
  }

  /** @param {string} path @param {Query} [query] */
  get(path, query) {
    return this.request('GET', path, { query });
  }

  /**
   * Fetches a file with the key in its header (never in the address) and hands it to the browser as a download.
   * @param {string} path
   * @param {Query} query
   * @param {string} fallbackName
   * @returns {Promise<{ok: true, bytes: number} | {ok: false, message: string}>}
   */
  async download(path, query, fallbackName) {
    let response;
    try {
      response = await fetch(`/api/v1${path}${queryString(query)}`, {
        headers: { 'x-api-key': this.key },
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch {
      return { ok: false, message: errorMessage(0, null) };
    }
    if (!response.ok) {
      const body = await response.json().catch(() => null);
      return { ok: false, message: errorMessage(response.status, body) };
    }
    const blob = await response.blob();
    const disposition = response.headers.get('content-disposition') ?? '';
    const named = /filename="([^"]+)"/.exec(disposition)?.[1];
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = named ?? fallbackName;
    document.body.append(link);
    link.click();
    link.remove();
    window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
    return { ok: true, bytes: blob.size };
  }
}
