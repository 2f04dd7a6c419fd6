import type { Subscription } from 'rxjs';
import type { NodeEvent } from '../core/event.js';
import type { AdmitLimits } from './admit.js';
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
 * handshake is done (its proof verified). It admits or refuses each (see
 * `admit`), and destroys one that is not ready for its hello (its first byte
 * judged, its TLS done) within the handshake timeout: before it is a link the
 * core does not know it, and Node's own handshakeTimeout reports but leaves
 * the socket open.
 */
export interface StrangerGuard {
  /** The server's `connection` listener: a TCP connection, before its first byte. */
  onConnection(socket: LinkSocket): void;
  /** Turns it away: a `refused` event (one warning per `group` and host), and it is destroyed. */
  refuse(socket: LinkSocket, reason: string, group?: string): void;
  /** The TLS acceptor's `tlsClientError` listener. */
  onTlsError(error: NodeJS.ErrnoException, socket: LinkSocket): void;
  /** It became a link: from now on the core times its handshake. */
  linked(socket: LinkSocket): void;
  /** Its handshake is done: it is a member's link and no longer counts against its address. */
  authenticated(socket: LinkSocket): void;
}

export interface GuardDeps {
  readonly scope: EdgeScope;
  readonly limits: GuardLimits;
  readonly report: (event: NodeEvent) => void;
}

interface Stranger {
  readonly address: string;
  /** Its handshake timeout, until it is a link. */
  timeout?: Subscription;
}

export function makeStrangerGuard(deps: GuardDeps): StrangerGuard {
  const { scope, limits, report } = deps;
  /** Connections still without a handshake, by `address:port`. */
  const strangers = new Map<string, Stranger>();
  const perAddress = new Map<string, number>();
  const refuse = (socket: LinkSocket, reason: string, group?: string): void => {
    const refused = { kind: 'refused', at: scope.now(), remote: remoteOf(socket), reason } as const;
    report(group === undefined ? refused : { ...refused, group });
    socket.destroy();
  };
  const stopTimeout = (stranger: Stranger | undefined): void => {
    if (stranger?.timeout !== undefined) scope.cancel(stranger.timeout);
    if (stranger !== undefined) delete stranger.timeout;
  };
  const forget = (socket: LinkSocket): void => {
    const key = connectionKey(socket);
    const stranger = strangers.get(key);
    if (stranger === undefined) return;
    stopTimeout(stranger);
    strangers.delete(key);
    const left = (perAddress.get(stranger.address) ?? 1) - 1;
    if (left > 0) perAddress.set(stranger.address, left);
    else perAddress.delete(stranger.address);
  };
  const onConnection = (socket: LinkSocket): void => {
    scope.track(socket);
    const address = socket.remoteAddress ?? '?';
    const fromAddress = perAddress.get(address) ?? 0;
    const admission = admit(fromAddress, limits);
    if (!admission.admitted) {
      refuse(socket, admission.reason);
      return;
    }
    const stranger: Stranger = { address };
    strangers.set(connectionKey(socket), stranger);
    perAddress.set(address, fromAddress + 1);
    socket.on('error', () => {});
    stranger.timeout = scope.later(limits.handshakeTimeoutMs, () => {
      delete stranger.timeout;
      refuse(socket, `no handshake within ${limits.handshakeTimeoutMs} ms`);
    });
    socket.once('close', () => forget(socket));
  };
  return {
    onConnection,
    refuse,
    onTlsError: (error, socket) => {
      // Node's TLS timeout starts at the first byte: the guard's, from the connection, refused it.
      if (error.code === 'ERR_TLS_HANDSHAKE_TIMEOUT') socket.destroy();
      else refuse(socket, tlsFailure(error));
    },
    linked: (socket) => stopTimeout(strangers.get(connectionKey(socket))),
    authenticated: forget,
  };
}
