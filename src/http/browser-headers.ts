// What a desktop Chrome sends on a top-level navigation. Platforms serve their full pages (with the embedded
// data we parse) to browsers and degraded or blocked pages to clients that look like scripts.

/** Kept in step with the impersonation profile in impit-transport.ts so both paths claim the same browser. */
export const CHROME_USER_AGENT =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/151.0.0.0 Safari/537.36';

export function browserHeaders(userAgent: string): Record<string, string> {
  return {
    'user-agent': userAgent,
    accept:
      'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7',
    'accept-language': 'en-US,en;q=0.9',
    // No zstd: Node 20's zlib cannot decode it.
    'accept-encoding': 'gzip, deflate, br',
    'sec-ch-ua': '"Not=A?Brand";v="99", "Google Chrome";v="151", "Chromium";v="151"',
    'sec-ch-ua-mobile': '?0',
    'sec-ch-ua-platform': '"Windows"',
    'sec-fetch-dest': 'document',
    'sec-fetch-mode': 'navigate',
    'sec-fetch-site': 'none',
    'sec-fetch-user': '?1',
    'upgrade-insecure-requests': '1',
  };
}
