// The post page's description meta tag, which Instagram serves even to visitors it gives no data to:
//   <meta property="og:description" content="183K likes, 4,821 comments - riverworkshop on January 14, 2026: &quot;…&quot;. ">
// Counts of 10,000 and more are abbreviated there ("183K", "1.2M"), so they are a last resort.

export interface DisplayedCount {
  value: bigint;
  exact: boolean;
}

export interface MetaCounts {
  likes: DisplayedCount;
  comments: DisplayedCount;
  username: string;
}

const DESCRIPTION =
  /^\s*([\d.,]+\s?[KMB]?)\s+likes?,\s+([\d.,]+\s?[KMB]?)\s+comments?\s+-\s+([A-Za-z0-9._]+)\s+on\s/i;
const META_DESCRIPTION = /<meta\s+(?:property="og:description"|name="description")\s+content="([^"]*)"/gi;
const MULTIPLIERS: Record<string, bigint> = { K: 1_000n, M: 1_000_000n, B: 1_000_000_000n };

/** Reads likes, comments and the author from the page's description meta tags, or null. */
export function readMetaCounts(html: string): MetaCounts | null {
  for (const match of html.matchAll(META_DESCRIPTION)) {
    const parts = DESCRIPTION.exec(decodeEntities(match[1] ?? ''));
    if (!parts) continue;
    const likes = parseDisplayedCount(parts[1] ?? '');
    const comments = parseDisplayedCount(parts[2] ?? '');
    if (likes && comments && parts[3]) return { likes, comments, username: parts[3] };
  }
  return null;
}

/** "4,821" and "4821" are exact; "183K" and "1.2M" are Instagram's rounding. */
export function parseDisplayedCount(text: string): DisplayedCount | null {
  const compact = text.replace(/\s/g, '');
  if (/^\d{1,3}(,\d{3})*$/.test(compact) || /^\d+$/.test(compact)) {
    return { value: BigInt(compact.replaceAll(',', '')), exact: true };
  }
  const abbreviated = /^(\d+)(?:\.(\d+))?([KMB])$/i.exec(compact);
  const multiplier = MULTIPLIERS[abbreviated?.[3]?.toUpperCase() ?? ''];
  if (!abbreviated || multiplier === undefined) return null;
  const fraction = abbreviated[2] ?? '';
  const scale = 10n ** BigInt(fraction.length);
  const scaled = BigInt((abbreviated[1] ?? '0') + fraction) * multiplier;
  return scaled % scale === 0n ? { value: scaled / scale, exact: false } : null;
}

function decodeEntities(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&#x([\da-f]+);/gi, (_, code: string) => String.fromCodePoint(Number.parseInt(code, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
