export interface AdmitLimits {
  /** Connections from one address still without a handshake (no member on them yet). */
  readonly maxUnauthenticatedPerAddress: number;
}

export type Admission =
  | { readonly admitted: true }
  | { readonly admitted: false; readonly reason: string };

/**
 * Whether a new TCP connection may go on to its handshake: the limit on
 * strangers from its address, decided from their count alone (no sockets, no
 * clock). Links count as members only once their handshake is done: that
 * limit (--max-links) is the core's.
 */
export function admit(strangersFromAddress: number, limits: AdmitLimits): Admission {
  if (strangersFromAddress >= limits.maxUnauthenticatedPerAddress) {
    return {
      admitted: false,
      reason: `over ${limits.maxUnauthenticatedPerAddress} connections from one address still without a handshake`,
    };
  }
  return { admitted: true };
}
