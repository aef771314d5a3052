import type { WebSocket } from 'ws';
import type { SysConf } from '../config/sys_conf.js';

type QuotaConf = Pick<SysConf, 'WS_MAX_SOCKETS_PER_SESSION' | 'WS_MAX_SOCKETS_PER_ACCOUNT' | 'WS_MAX_SOCKETS_PER_ADDRESS'>;

/** What the quota needs of a connection. */
export interface QuotaPeer {
  readonly ws: WebSocket;
}

/**
 * Open sockets per account and per client address on this instance, held against their
 * limits (the sockets of a session are the gateway's `byToken` set). Counted per instance:
 * the limits protect this process's memory and descriptors, and a count kept in Redis would
 * outlive a crashed instance and lock its users out until it expired. A socket counts while
 * OPEN: one whose close has begun (a client that closed one tab) frees its slot at once.
 */
export class SocketQuota<P extends QuotaPeer> {
  private readonly byAccount = new Map<number, Set<P>>();
  private readonly byAddress = new Map<string, Set<P>>();

  constructor(private readonly conf: Readonly<QuotaConf>) {}

  /** Why one more socket may not open (the close reason, naming the limit); undefined when it may. */
  refusal(session: ReadonlySet<P> | undefined, accountId: number, address: string): string | undefined {
    const { WS_MAX_SOCKETS_PER_SESSION: perSession, WS_MAX_SOCKETS_PER_ACCOUNT: perAccount } = this.conf;
    const { WS_MAX_SOCKETS_PER_ADDRESS: perAddress } = this.conf;
    if (atLimit(session, perSession)) return `socket limit: ${perSession} per session (WS_MAX_SOCKETS_PER_SESSION)`;
    if (atLimit(this.byAccount.get(accountId), perAccount)) {
      return `socket limit: ${perAccount} per account (WS_MAX_SOCKETS_PER_ACCOUNT)`;
    }
    if (atLimit(this.byAddress.get(address), perAddress)) {
      return `socket limit: ${perAddress} per address (WS_MAX_SOCKETS_PER_ADDRESS)`;
    }
    return undefined;
  }

  add(peer: P, accountId: number, address: string): void {
    join(this.byAccount, accountId, peer);
    join(this.byAddress, address, peer);
  }

  remove(peer: P, accountId: number, address: string): void {
    leave(this.byAccount, accountId, peer);
    leave(this.byAddress, address, peer);
  }
}

/** Only a full set is walked, so the common case costs one size check. */
function atLimit(peers: ReadonlySet<QuotaPeer> | undefined, limit: number): boolean {
  if (!peers || peers.size < limit) return false;
  let open = 0;
  for (const peer of peers) if (peer.ws.readyState === peer.ws.OPEN && ++open >= limit) return true;
  return false;
}

function join<K, P>(sets: Map<K, Set<P>>, key: K, peer: P): void {
  let set = sets.get(key);
  if (!set) sets.set(key, (set = new Set()));
  set.add(peer);
}

function leave<K, P>(sets: Map<K, Set<P>>, key: K, peer: P): void {
  const set = sets.get(key);
  set?.delete(peer);
  if (set?.size === 0) sets.delete(key);
}
