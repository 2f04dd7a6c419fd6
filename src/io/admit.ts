/** A connection still without a handshake (TCP up, no member on it yet). */
export interface Waiting {
  /** Its `address:port`. */
  readonly key: string;
  readonly address: string;
}

export interface AdmitLimits {
  /** Connections still without a handshake, in all. */
  readonly maxUnauthenticated: number;
  /** Of those, from one address. */
  readonly maxUnauthenticatedPerAddress: number;
}

/**
 * A new connection is always taken; when a limit is full, one that waits
 * (`evict`, its key) is closed for it, and `limit` says which limit was full.
 */
export type Admission =
  | { readonly evict?: undefined }
  | { readonly evict: string; readonly reason: string; readonly limit: 'address' | 'all' };

function oldestFrom(waiting: readonly Waiting[], address: string): string | undefined {
  return waiting.find((w) => w.address === address)?.key;
}

/** The address with the most connections waiting (of two with as many, the one waiting longest). */
function busiest(waiting: readonly Waiting[]): string | undefined {
  const counts = new Map<string, number>();
  for (const w of waiting) counts.set(w.address, (counts.get(w.address) ?? 0) + 1);
  let most: { address: string; count: number } | undefined;
  for (const [address, count] of counts) if (count > (most?.count ?? 0)) most = { address, count };
  return most?.address;
}

/**
 * Whether a new TCP connection from `address` displaces one of `waiting`
 * (oldest first), decided from them alone (no sockets, no clock). The new one
 * is never refused: an honest handshake is done in milliseconds, so closing
 * the one that waited longest turns away what sat idle, not who just came.
 * From an address at its limit, its oldest goes; when all are at the limit in
 * all, the oldest of the address that has the most (one address cannot close
 * the connections of others while it holds more).
 */
export function admit(
  waiting: readonly Waiting[],
  address: string,
  limits: AdmitLimits,
): Admission {
  const fromAddress = waiting.filter((w) => w.address === address).length;
  if (fromAddress >= limits.maxUnauthenticatedPerAddress) {
    const evict = oldestFrom(waiting, address);
    const reason = `closed for a newer one: ${limits.maxUnauthenticatedPerAddress} connections from one address still without a handshake`;
    if (evict !== undefined) return { evict, reason, limit: 'address' };
  }
  if (waiting.length >= limits.maxUnauthenticated) {
    const evict = oldestFrom(waiting, busiest(waiting) ?? address);
    const reason = `closed for a newer one: ${limits.maxUnauthenticated} connections still without a handshake`;
    if (evict !== undefined) return { evict, reason, limit: 'all' };
  }
  return {};
}
