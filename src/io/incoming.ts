import type { Observable } from 'rxjs';
import { Observable as RxObservable } from 'rxjs';
import type { EdgeScope } from './edge-scope.js';
import { firstByteVerdict } from './first-byte.js';
import type { Connection } from './link-stream.js';
import type { StrangerGuard } from './stranger-guard.js';
import type { LinkServer, LinkSocket, Transport } from './transport.js';

/**
 * Waits for an accepted socket's first byte, reads it back (`unshift`, so
 * nothing is lost) and acts on its verdict: frames in the clear go on as they
 * are, a TLS handshake goes to the TLS acceptor, anything else is refused. The
 * socket is left paused: whoever reads it next resumes it.
 */
function awaitFirstByte(
  socket: LinkSocket,
  transport: Transport,
  guard: StrangerGuard,
  clear: (socket: LinkSocket) => void,
): void {
  const onFirst = (chunk: Buffer): void => {
    const byte = chunk[0];
    if (byte === undefined) return;
    socket.off('data', onFirst);
    socket.pause();
    socket.unshift(chunk);
    const verdict = firstByteVerdict(byte, transport.closedRoom);
    if (verdict.kind === 'refused') guard.refuse(socket, verdict.reason, verdict.refusal);
    else if (verdict.kind === 'clear') clear(socket);
    else if (transport.closedRoom) {
      guard.toTls(socket);
      transport.tlsAcceptor.emit('connection', socket);
    }
  };
  socket.on('data', onFirst);
}

/**
 * Connections the server accepts, handed on once ready for the hello: after
 * the first byte in an open room, after TLS in a closed one. The accepting
 * end says nothing before that, so the dialer always speaks first. The
 * teardown is the whole edge's.
 */
export function incoming$(
  server: LinkServer,
  transport: Transport,
  guard: StrangerGuard,
  scope: EdgeScope,
): Observable<Connection> {
  return new RxObservable<Connection>((subscriber) => {
    const onReady = (socket: LinkSocket): void => {
      // A connection refused meanwhile is destroyed already: it never becomes a link.
      if (!socket.destroyed) subscriber.next({ socket, direction: 'in' });
    };
    const onConnection = (socket: LinkSocket): void => {
      guard.onConnection(socket);
      if (!socket.destroyed) awaitFirstByte(socket, transport, guard, onReady);
    };
    const tls = transport.closedRoom ? transport.tlsAcceptor : undefined;
    server.on('connection', onConnection);
    tls?.on('secureConnection', onReady);
    tls?.on('tlsClientError', guard.onTlsError);
    return () => {
      server.off('connection', onConnection);
      tls?.off('secureConnection', onReady);
      tls?.off('tlsClientError', guard.onTlsError);
      server.close();
      scope.dispose();
    };
  });
}
