/** How many connections there are when a new one arrives, before TLS and hello. */
export interface ConnectionCounts {
  /** Links (connections that are ready for the hello, or past it). */
  readonly links: number;
  /** Connections from the new one's address that have not said hello yet. */
  readonly strangersFromAddress: number;
}

export interface AdmitLimits {
  readonly maxLinks: number;
  readonly maxUnauthenticatedPerAddress: number;
}

export type Admission =
  | { readonly admitted: true }
  | { readonly admitted: false; readonly reason: string };

/**
 * Whether a connection ready for its hello may become a link: the link limit,
 * checked again then, as others may have become links while it waited for its
 * first byte or its TLS.
 */
export function admitLink(links: number, limits: Pick<AdmitLimits, 'maxLinks'>): Admission {
  return links >= limits.maxLinks
    ? { admitted: false, reason: `the node has ${limits.maxLinks} links already (--max-links)` }
    : { admitted: true };
}

/**
 * Whether a new TCP connection may go on to its handshake: the limits on
 * strangers, decided from counts alone (no sockets, no clock).
 */
export function admit(counts: ConnectionCounts, limits: AdmitLimits): Admission {
  const asLink = admitLink(counts.links, limits);
  if (!asLink.admitted) return asLink;
  if (counts.strangersFromAddress >= limits.maxUnauthenticatedPerAddress) {
    return {
      admitted: false,
      reason: `over ${limits.maxUnauthenticatedPerAddress} connections from one address still without a handshake`,
    };
  }
  return { admitted: true };
}
