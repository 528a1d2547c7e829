// CONTENTSTATS_UPSTREAMS: tests and staging send a real platform origin to a local stand-in. Everything
// else in this module reasons about the real URL (allow-list, redirects, finalUrl); only the wire sees
// the replacement.

export const UPSTREAM_HEADER = 'x-contentstats-upstream';

export interface WireTarget {
  /** The origin actually connected to, e.g. `http://127.0.0.1:9001`. */
  origin: string;
  /** Path and query of the real URL, sent as they are (the URL parser already normalised them). */
  path: string;
  /** The real origin it stands in for, when rewritten. */
  upstream: string | null;
}

export type UpstreamMap = ReadonlyMap<string, string>;

/** Normalises `{ "https://www.tiktok.com/": "http://127.0.0.1:9001" }` to origin → origin. */
export function upstreamMap(upstreams: Record<string, string>): UpstreamMap {
  return new Map(
    Object.entries(upstreams).map(([real, replacement]) => [
      new URL(real).origin,
      new URL(replacement).origin,
    ]),
  );
}

/**
 * Where a hop goes on the wire. Origins carry no path, and an http(s) URL's path starts with a slash, so the
 * replacement origin and the real path are joined as strings: the URL was parsed once already.
 */
export function toWire(realUrl: URL, upstreams: UpstreamMap): WireTarget {
  const origin = realUrl.origin;
  const path = realUrl.pathname + realUrl.search;
  const replacement = upstreams.get(origin);
  return replacement ? { origin: replacement, path, upstream: origin } : { origin, path, upstream: null };
}

/**
 * Resolves a Location header against the hop that returned it, in real-platform terms. A stand-in that
 * answers with its own origin (instead of the real one, as it should) is mapped back to the real origin
 * of that hop so the allow-list still judges the real host.
 */
export function resolveLocation(location: string, realUrl: URL, wire: WireTarget): URL | null {
  let next: URL;
  try {
    next = new URL(location, realUrl);
  } catch {
    return null;
  }
  if (wire.upstream && next.origin === wire.origin) {
    return new URL(next.pathname + next.search + next.hash, wire.upstream);
  }
  return next;
}
