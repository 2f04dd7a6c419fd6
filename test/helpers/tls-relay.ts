import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { roomKey } from '../../src/io/room-key.js';
import type { LinkSocket } from '../../src/io/transport.js';
import { closedTransport } from '../../src/io/transport.js';
import { lineEditor } from './fault-proxy.js';

/**
 * A member of a closed room turned relay, on 127.0.0.1: it holds the room
 * secret, takes a node's TLS session as a node of the room would, opens a TLS
 * session of its own to `targetPort`, and passes every line both ways
 * unchanged. Nothing it forwards is altered: only the TLS sessions differ.
 */
export interface TlsRelay {
  readonly address: string;
  /** Sessions it has relayed: a session accepted whose onward session came up. */
  readonly relayed: number;
  close(): Promise<void>;
}

/** Passes each whole line read from `from` on to `to`, as it came. */
function forwardLines(from: LinkSocket, to: LinkSocket): void {
  const whole = lineEditor((line) => line);
  from.on('data', (chunk: Buffer) => {
    const lines = whole(chunk).toString('utf8');
    if (lines !== '') to.write(lines);
  });
}

export async function startTlsRelay(secret: string, targetPort: number): Promise<TlsRelay> {
  const transport = closedTransport(roomKey(Buffer.from(secret, 'utf8')), 5000);
  if (!transport.closedRoom) throw new Error('a closed transport');
  const sockets = new Set<LinkSocket>();
  let relayed = 0;
  const pair = (inner: LinkSocket): void => {
    const onward = transport.connect('127.0.0.1', targetPort);
    const drop = (): void => {
      inner.destroy();
      onward.destroy();
    };
    for (const socket of [inner, onward]) {
      sockets.add(socket);
      socket.on('error', drop);
      socket.on('close', drop);
    }
    onward.once('secureConnect', () => {
      relayed += 1;
      forwardLines(inner, onward);
      forwardLines(onward, inner);
    });
  };
  transport.tlsAcceptor.on('secureConnection', pair);
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => socket.destroy());
    transport.tlsAcceptor.emit('connection', socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    get relayed() {
      return relayed;
    },
    close() {
      transport.tlsAcceptor.off('secureConnection', pair);
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
