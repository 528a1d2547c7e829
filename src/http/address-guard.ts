// Outbound requests to addresses the caller does not choose (webhook URLs) must not reach the service's own
// network: loopback, private, link-local (cloud metadata at 169.254.169.254 included), CGNAT, multicast,
// reserved ranges, IPv6 unique-local and link-local, and any IPv4 address wrapped in IPv6 (mapped, NAT64,
// 6to4). The check runs on the address actually connected: the host is resolved once, every address it
// resolves to is checked, and the connection uses those addresses, so DNS rebinding cannot slip through.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';

/** [first address bytes, prefix length in bits] */
type Range = readonly [readonly number[], number];

const IPV4_REFUSED: readonly Range[] = [
  [[0, 0, 0, 0], 8], // "this network"
  [[10, 0, 0, 0], 8], // private
  [[100, 64, 0, 0], 10], // CGNAT
  [[127, 0, 0, 0], 8], // loopback
  [[169, 254, 0, 0], 16], // link-local, cloud metadata
  [[172, 16, 0, 0], 12], // private
  [[192, 0, 0, 0], 24], // IETF protocol assignments
  [[192, 0, 2, 0], 24], // documentation
  [[192, 88, 99, 0], 24], // 6to4 relay anycast
  [[192, 168, 0, 0], 16], // private
  [[198, 18, 0, 0], 15], // benchmarking
  [[198, 51, 100, 0], 24], // documentation
  [[203, 0, 113, 0], 24], // documentation
  [[224, 0, 0, 0], 4], // multicast
  [[240, 0, 0, 0], 4], // reserved, broadcast
];

const IPV6_REFUSED: readonly Range[] = [
  [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 128], // unspecified
  [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], 128], // loopback
  [[0x01, 0x00, 0, 0, 0, 0, 0, 0], 64], // discard
  [[0x20, 0x01, 0x0d, 0xb8], 32], // documentation
  [[0xfc], 7], // unique local
  [[0xfe, 0x80], 10], // link-local
  [[0xfe, 0xc0], 10], // site-local (deprecated)
  [[0xff], 8], // multicast
];

const inRange = (bytes: readonly number[], [prefix, bits]: Range): boolean => {
  for (let bit = 0; bit < bits; bit += 8) {
    const mask = bits - bit >= 8 ? 0xff : (0xff << (8 - (bits - bit))) & 0xff;
    if (((bytes[bit / 8] ?? 0) & mask) !== ((prefix[bit / 8] ?? 0) & mask)) return false;
  }
  return true;
};

function ipv4Bytes(address: string): number[] {
  return address.split('.').map(Number);
}

/** The 16 bytes of an IPv6 address (the textual forms Node and the URL parser produce, zone ids dropped). */
function ipv6Bytes(address: string): number[] {
  let text = address.split('%')[0]!;
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    tail = ipv4Bytes(text.slice(lastColon + 1));
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const [head, rest] = text.includes('::') ? text.split('::') : [text, undefined];
  const headGroups = head ? head.split(':') : [];
  const restGroups = rest === undefined ? [] : rest ? rest.split(':') : [];
  const missing = 8 - headGroups.length - restGroups.length;
  const groups = [...headGroups, ...Array(rest === undefined ? 0 : missing).fill('0'), ...restGroups];
  const bytes = groups.flatMap((group) => {
    const value = Number.parseInt(group || '0', 16);
    return [value >> 8, value & 0xff];
  });
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  return bytes;
}

const refusedIpv4 = (bytes: readonly number[]) => IPV4_REFUSED.some((range) => inRange(bytes, range));

/** Whether connecting to this IP address would reach somewhere non-public. Non-addresses are refused too. */
export function isNonPublicAddress(address: string): boolean {
  const version = isIP(address.split('%')[0]!);
  if (version === 4) return refusedIpv4(ipv4Bytes(address));
  if (version !== 6) return true;
  const bytes = ipv6Bytes(address);
  if (IPV6_REFUSED.some((range) => inRange(bytes, range))) return true;
  const zeros = (from: number, to: number) => bytes.slice(from, to).every((b) => b === 0);
  // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::a.b.c.d): the IPv4 decides.
  if (zeros(0, 10) && ((bytes[10] === 0xff && bytes[11] === 0xff) || zeros(10, 12))) {
    return refusedIpv4(bytes.slice(12));
  }
  if (bytes[0] === 0x00 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b && zeros(4, 12)) {
    return refusedIpv4(bytes.slice(12));
  }
  // 6to4 (2002:a.b.c.d::/48) carries an IPv4 address too.
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return refusedIpv4(bytes.slice(2, 6));
  return false;
}

/** The error a refused address fails the connection with (the client reports it as `host_not_allowed`). */
export const NON_PUBLIC = 'ERR_NON_PUBLIC_ADDRESS';

export class NonPublicAddressError extends Error {
  readonly code = NON_PUBLIC;
  constructor(host: string, address: string) {
    super(`${host} resolves to ${address}, which is not a public address`);
  }
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for net/tls connect options: resolves the host once, refuses it if any of its addresses is
 * non-public, and hands the checked addresses to the socket, which connects to one of them.
 */
export function publicOnlyLookup(
  hostname: string,
  options: { all?: boolean },
  callback: LookupCallback,
): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const refused = addresses.find((a) => isNonPublicAddress(a.address));
    if (refused) return callback(new NonPublicAddressError(hostname, refused.address), []);
    if (options.all) return callback(null, addresses);
    const first = addresses[0];
    if (!first)
      return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
    callback(null, first.address, first.family);
  });
}
