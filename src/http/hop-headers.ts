// The headers of one hop: the client's defaults, the request's own on top (names lower-cased, so a request's
// wins), and the upstream header when CONTENTSTATS_UPSTREAMS rewrote the hop. Collectors send the same fixed
// API headers on every request; merging two dozen headers into a fresh object makes a dictionary-mode object
// (~15 µs a request, a tight loop included), so a frozen headers object (which nobody can change afterwards)
// is merged once per upstream and the result reused. Unfrozen ones are merged every time.

import { UPSTREAM_HEADER } from './upstream-rewrite.ts';

export type HopHeaders = (
  own: Readonly<Record<string, string>> | undefined,
  upstream: string | null,
) => Readonly<Record<string, string>>;

export function hopHeaders(defaults: Readonly<Record<string, string>>): HopHeaders {
  // Bounded: one entry per configured upstream (plus none) for each frozen headers object in use.
  const withoutOwn = new Map<string | null, Readonly<Record<string, string>>>();
  const withFrozenOwn = new WeakMap<object, Map<string | null, Readonly<Record<string, string>>>>();

  return (own, upstream) => {
    if (own && !Object.isFrozen(own)) return merge(defaults, own, upstream);
    let byUpstream = withoutOwn;
    if (own) {
      let known = withFrozenOwn.get(own);
      if (!known) {
        known = new Map();
        withFrozenOwn.set(own, known);
      }
      byUpstream = known;
    }
    let headers = byUpstream.get(upstream);
    if (!headers) {
      headers = Object.freeze(merge(defaults, own, upstream));
      byUpstream.set(upstream, headers);
    }
    return headers;
  };
}

function merge(
  defaults: Readonly<Record<string, string>>,
  own: Readonly<Record<string, string>> | undefined,
  upstream: string | null,
): Record<string, string> {
  const headers: Record<string, string> = { ...defaults };
  if (own) for (const name in own) headers[name.toLowerCase()] = own[name]!;
  if (upstream) headers[UPSTREAM_HEADER] = upstream;
  return headers;
}
