import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { incomingHeader } from './incoming_header.js';

let trusted: BlockList | undefined;

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) is `10.0.0.1`. */
function plain(address: string): string {
  if (!address.startsWith('::ffff:') && !address.startsWith('::FFFF:')) return address;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address;
}

function isTrusted(address: string): boolean {
  return trusted !== undefined && addressIn(trusted, address);
}

/**
 * Addresses (`10.0.0.5`, `::1`) and CIDR ranges (`10.0.0.0/8`) as a `BlockList`. Throws,
 * naming `key`, on an entry that is not an address or range.
 */
export function addressList(entries: readonly string[], key: string): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', bits] = entry.split('/');
    const family = isIP(address);
    if (family === 0) throw new Error(`${key}: "${entry}" is not an IP address or CIDR range`);
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(bits), type);
  }
  return list;
}

/** True when `address` (as `addressOf` gives it) is in `list`. */
export function addressIn(list: BlockList, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && list.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/**
 * Sets the proxies whose `X-Forwarded-For` is believed: addresses (`10.0.0.5`, `::1`) or
 * CIDR ranges (`10.0.0.0/8`). Called once at start with `TRUSTED_PROXIES`; an empty list
 * (the default) trusts no header. Throws on an entry that is not an address or range.
 */
export function trustProxies(entries: readonly string[]): void {
  const list = addressList(entries, 'TRUSTED_PROXIES');
  trusted = entries.length ? list : undefined;
}

/**
 * The address of whoever sent the request: the socket's peer, unless that peer is a
 * trusted proxy; then the right-most `X-Forwarded-For` entry that is not a trusted proxy
 * (entries left of it could be written by the client itself). Empty when unknown.
 */
export function clientAddress(c: Context): string {
  let peer: string;
  try {
    peer = plain(getConnInfo(c).remote.address ?? '');
  } catch {
    return '';
  }
  return isTrusted(peer) ? forwardedFrom(peer, incomingHeader(c, 'x-forwarded-for')) : peer;
}

/** The same for a node request; empty without one (`app.request()`). */
export function addressOf(incoming: IncomingMessage | undefined): string {
  const peer = plain(incoming?.socket?.remoteAddress ?? '');
  if (!isTrusted(peer)) return peer;
  const header = incoming?.headers['x-forwarded-for'];
  return forwardedFrom(peer, Array.isArray(header) ? header.join(', ') : header);
}

/**
 * Whether a header that a proxy in front writes for the request (`X-Request-Id`) is taken
 * from the peer of `incoming`: only from a `TRUSTED_PROXIES` peer, so a client (or one that
 * goes around the proxy) cannot choose the id its lines are logged under. With the list
 * empty, no peer is trusted. True without a node request (`app.request()`, in-process).
 */
export function peerMaySetRequestId(incoming: IncomingMessage | undefined): boolean {
  if (!incoming) return true;
  return isTrusted(plain(incoming.socket?.remoteAddress ?? ''));
}

function forwardedFrom(peer: string, forwardedFor: string | undefined): string {
  const hops = (forwardedFor ?? '')
    .split(',')
    .map((hop) => plain(hop.trim()))
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (isIP(hop) === 0) return peer; // a malformed hop: nothing left of it can be believed
    if (!isTrusted(hop)) return hop;
  }
  return hops[0] ?? peer;
}
