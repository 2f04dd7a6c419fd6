import { parseHostPort } from '../core/address.js';
import type { DialPurpose, NodeEvent } from '../core/event.js';
import type { EdgeScope } from './edge-scope.js';
import type { Connection } from './link-stream.js';
import { tlsFailure } from './tls-failure.js';
import type { Transport } from './transport.js';

export interface DialerDeps {
  readonly scope: EdgeScope;
  readonly transport: Transport;
  /** A dial with no answer by then fails. */
  readonly connectTimeoutMs: number;
  readonly report: (event: NodeEvent) => void;
  /** A dialled socket ready for the hello: it becomes a link. */
  readonly connected: (connection: Connection) => void;
}

/**
 * Dials `target`: the socket is handed on once ready for the hello (after
 * TLS in a closed room); otherwise a `dialFailed` says why (not an address,
 * no answer within the connect timeout, refused, or why TLS failed).
 */
export function makeDialer(deps: DialerDeps): (target: string, purpose: DialPurpose) => void {
  const { scope, transport, connectTimeoutMs } = deps;
  return (target, purpose) => {
    const fail = (reason: string): void =>
      deps.report({ kind: 'dialFailed', at: scope.now(), target, purpose, reason });
    const address = parseHostPort(target);
    if (address === undefined) {
      fail('not a host:port address');
      return;
    }
    const socket = transport.connect(address.host, address.port);
    scope.track(socket);
    const timer = scope.later(connectTimeoutMs, () =>
      socket.destroy(new Error(`no answer within ${connectTimeoutMs} ms`)),
    );
    // Connected over TCP: an error from now on is the TLS handshake's (in a closed room).
    let connected = false;
    socket.once('connect', () => {
      connected = true;
    });
    const onError = (error: NodeJS.ErrnoException): void => {
      scope.cancel(timer);
      fail(
        transport.closedRoom && connected
          ? `the TLS handshake failed: ${tlsFailure(error)}`
          : error.message,
      );
    };
    socket.once('error', onError);
    socket.once(transport.connectEvent, () => {
      scope.cancel(timer);
      socket.off('error', onError);
      deps.connected({ socket, direction: 'out', target, purpose });
    });
  };
}
