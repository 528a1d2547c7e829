/** Splits a URL's path into its non-empty segments ("/a//b/" → ["a", "b"]). */
export function pathSegments(url: URL): string[] {
  return url.pathname.split('/').filter((segment) => segment.length > 0);
}
