import type { Subscription } from 'rxjs';
import type { NodeEvent } from '../core/event.js';
import type { Admission, AdmitLimits } from './admit.js';
import { admit } from './admit.js';
import type { EdgeScope } from './edge-scope.js';
import { connectionKey, remoteOf } from './edge-scope.js';
import { tlsFailure } from './tls-failure.js';
import type { LinkSocket } from './transport.js';

export interface GuardLimits extends AdmitLimits {
  /** The first byte and TLS must be done by then (the hello is the core's to time, once a link). */
  readonly handshakeTimeoutMs: number;
}

/**
 * The limits on strangers: every accepted connection until the core says its
 * handshake is done (its proof verified). It takes each new one, closing one
 * that waited longest when a limit is full (see `admit`), and destroys one
 * that is not ready for its hello (its first byte judged, its TLS done)
 * within the handshake timeout: before it is a link the core does not know
 * it, and Node's own handshakeTimeout reports but leaves the socket open.
 */
export interface StrangerGuard {
  /** The server's `connection` listener: a TCP connection, before its first byte. */
  onConnection(socket: LinkSocket): void;
  /** Turns it away: a `refused` event (one warning per `group` and host), and it is destroyed. */
  refuse(socket: LinkSocket, reason: string, group?: string): void;
  /** Its first byte starts TLS: it is handed to the TLS acceptor. */
  toTls(socket: LinkSocket): void;
  /** The TLS acceptor's `tlsClientError` listener. */
  onTlsError(error: NodeJS.ErrnoException, socket: LinkSocket): void;
  /** It became a link (`socket` is the TLS one in a closed room): the core times its handshake. */
  linked(socket: LinkSocket): void;
  /** Its handshake is done: it is a member's link and no longer counts against the limits. */
  authenticated(socket: LinkSocket): void;
}

export interface GuardDeps {
  readonly scope: EdgeScope;
  readonly limits: GuardLimits;
  readonly report: (event: NodeEvent) => void;
}

interface Stranger {
  readonly key: string;
  readonly address: string;
  /** The accepted TCP socket. */
  readonly tcp: LinkSocket;
  /** What to destroy to close it: the TCP socket, or the TLS socket once that is the link. */
  socket: LinkSocket;
  /** Handed to the TLS acceptor, and not a link yet. */
  inTls?: true;
  /** Its handshake timeout, until it is a link. */
  timeout?: Subscription;
}

type Refused = Extract<NodeEvent, { kind: 'refused' }>;
type Eviction = Extract<Admission, { evict: string }>;

function refusal(scope: EdgeScope, socket: LinkSocket, reason: string): Refused {
  return { kind: 'refused', at: scope.now(), remote: remoteOf(socket), reason };
}

/** The strangers, oldest first: adding one makes room for it, turning one away forgets it. */
function strangerTable(deps: GuardDeps) {
  const { scope, limits, report } = deps;
  const strangers = new Map<string, Stranger>();
  /**
   * Connections closed here during their TLS handshake: Node reports each
   * again, later, as a hang-up (ECONNRESET) of a socket whose address is gone.
   */
  let closedInTls = 0;
  const stopTimeout = (stranger: Stranger): void => {
    if (stranger.timeout !== undefined) scope.cancel(stranger.timeout);
    delete stranger.timeout;
  };
  const turnAway = (stranger: Stranger, event: Refused): void => {
    strangers.delete(stranger.key);
    stopTimeout(stranger);
    if (stranger.inTls === true) closedInTls += 1;
    report(event);
    stranger.socket.destroy();
  };
  const evict = (admission: Eviction): void => {
    const evicted = strangers.get(admission.evict);
    if (evicted === undefined) return;
    const refused = refusal(scope, evicted.socket, admission.reason);
    // The limit in all is a flood from many addresses: one warning counts it, not one per host.
    turnAway(evicted, admission.limit === 'all' ? { ...refused, anyHost: true } : refused);
  };
  return {
    stopTimeout,
    turnAway,
    /** The stranger `socket` is (its TCP socket, or its TLS socket once that is the link). */
    of(socket: LinkSocket): Stranger | undefined {
      const stranger = strangers.get(connectionKey(socket));
      return stranger?.tcp === socket || stranger?.socket === socket ? stranger : undefined;
    },
    byKey: (socket: LinkSocket) => strangers.get(connectionKey(socket)),
    /** It counts no more (its handshake is done, or it closed). */
    forget(stranger: Stranger): void {
      stopTimeout(stranger);
      if (strangers.get(stranger.key) === stranger) strangers.delete(stranger.key);
    },
    /** Takes in a new one, closing the one it displaces, if any (see `admit`). */
    add(stranger: Stranger): void {
      const admission = admit([...strangers.values()], stranger.address, limits);
      if (admission.evict !== undefined) evict(admission);
      strangers.set(stranger.key, stranger);
    },
    /** Whether a TLS hang-up of a socket with no address left is one of those closed here. */
    closedHere(error: NodeJS.ErrnoException, socket: LinkSocket): boolean {
      if (error.code !== 'ECONNRESET' || socket.remoteAddress !== undefined || closedInTls === 0)
        return false;
      closedInTls -= 1;
      return true;
    },
  };
}

export function makeStrangerGuard(deps: GuardDeps): StrangerGuard {
  const { scope, limits, report } = deps;
  const table = strangerTable(deps);
  const refuse = (socket: LinkSocket, reason: string, group?: string): void => {
    const refused = refusal(scope, socket, reason);
    report(group === undefined ? refused : { ...refused, group });
    socket.destroy();
  };
  const onConnection = (socket: LinkSocket): void => {
    scope.track(socket);
    const address = socket.remoteAddress ?? '?';
    const stranger: Stranger = { key: connectionKey(socket), address, tcp: socket, socket };
    table.add(stranger);
    socket.on('error', () => {});
    const reason = `no handshake within ${limits.handshakeTimeoutMs} ms`;
    stranger.timeout = scope.later(limits.handshakeTimeoutMs, () => {
      delete stranger.timeout;
      table.turnAway(stranger, refusal(scope, socket, reason));
    });
    socket.once('close', () => table.forget(stranger));
  };
  return {
    onConnection,
    refuse,
    toTls: (socket) => {
      const stranger = table.of(socket);
      if (stranger !== undefined) stranger.inTls = true;
    },
    onTlsError: (error, socket) => {
      // Node's TLS timeout starts at the first byte: the guard's, from the connection, refused it.
      // A connection the guard closed (and said why) is not a hang-up of the peer's.
      if (error.code === 'ERR_TLS_HANDSHAKE_TIMEOUT' || table.closedHere(error, socket))
        socket.destroy();
      else refuse(socket, tlsFailure(error));
    },
    linked: (socket) => {
      const stranger = table.byKey(socket);
      if (stranger === undefined) return;
      table.stopTimeout(stranger);
      delete stranger.inTls;
      stranger.socket = socket;
    },
    authenticated: (socket) => {
      const stranger = table.of(socket);
      if (stranger !== undefined) table.forget(stranger);
    },
  };
}
