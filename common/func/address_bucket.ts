import { isIP } from 'node:net';

/**
 * The unit a per-address limit counts: an IPv4 address itself, an IPv6 address's /64
 * (`2001:db8:1:2::/64`), since one subscriber is routinely handed a whole /64 and could
 * otherwise take a fresh address for every request. Anything else is returned unchanged.
 */
export function addressBucket(address: string): string {
  if (isIP(address) !== 6) return address;
  const [head = '', tail] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  // An embedded IPv4 tail (`::ffff:1.2.3.4`) fills two groups.
  const width = (groups: string[]) => groups.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0);
  const groups = tail === undefined ? left : [...left, ...Array(8 - width(left) - width(right)).fill('0'), ...right];
  const prefix = groups.slice(0, 4).map((g) => (g.includes('.') ? g : Number.parseInt(g, 16).toString(16)));
  return `${prefix.join(':')}::/64`;
}
