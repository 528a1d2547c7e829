// CONTENTSTATS_PROXY_URLS: outbound requests spread round-robin over the configured proxies so no single
// exit address carries all the traffic a platform rate-limits on.

export function proxyRotation(proxyUrls: readonly string[]): () => string | undefined {
  let next = 0;
  return () => {
    if (proxyUrls.length === 0) return undefined;
    const proxy = proxyUrls[next % proxyUrls.length];
    next = (next + 1) % proxyUrls.length;
    return proxy;
  };
}
