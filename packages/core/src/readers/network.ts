import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

const internalRanges = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const) {
  internalRanges.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  internalRanges.addSubnet(network, prefix, 'ipv6');
}

/**
 * Loopback, private, link-local (cloud metadata), CGNAT, multicast or unspecified.
 * @example
 * ```ts
 * isInternalAddress('169.254.169.254'); // true
 * ```
 */
export function isInternalAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return internalRanges.check(mapped[1]!, 'ipv4');
  return internalRanges.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}

/**
 * The first internal address (see {@link isInternalAddress}) a host name resolves to, or
 * `undefined` when it resolves to public addresses only or does not resolve (the request then
 * fails with its own error). An IP literal is checked as it is.
 *
 * @example
 * ```ts
 * if (await findInternalAddress('metadata.example')) throw new Error('refused');
 * ```
 */
export async function findInternalAddress(hostname: string): Promise<string | undefined> {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return isInternalAddress(host) ? host : undefined;
  let addresses: Array<{ address: string }>;
  try {
    addresses = await lookup(host, { all: true, verbatim: true });
  } catch {
    return undefined;
  }
  return addresses.find((a) => isInternalAddress(a.address))?.address;
}
