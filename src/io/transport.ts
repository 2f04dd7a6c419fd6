import type { Server, Socket } from 'node:net';
import { createServer as createNetServer, connect as netConnect } from 'node:net';
import { createServer as createTlsServer, connect as tlsConnect } from 'node:tls';
import { PSK_CIPHERS, PSK_IDENTITY } from './room-key.js';

/**
 * How bytes travel: in the clear for an open room, TLS 1.3 with a pre-shared
 * key for a closed one. Everything above works on the sockets it hands out.
 */
export interface Transport {
  readonly closedRoom: boolean;
  createServer(): Server;
  /** The server event that hands out a socket ready for the hello. */
  readonly readyEvent: 'connection' | 'secureConnection';
  /** Dials; the socket is ready for the hello on `connectEvent`. */
  connect(host: string, port: number): Socket;
  readonly connectEvent: 'connect' | 'secureConnect';
}

export function openTransport(): Transport {
  return {
    closedRoom: false,
    createServer: () => createNetServer({ noDelay: true }),
    readyEvent: 'connection',
    connect: (host, port) => netConnect({ host, port, noDelay: true }),
    connectEvent: 'connect',
  };
}

export function closedTransport(key: Buffer, handshakeTimeoutMs: number): Transport {
  const tlsOptions = {
    ciphers: PSK_CIPHERS,
    minVersion: 'TLSv1.3',
    maxVersion: 'TLSv1.3',
  } as const;
  return {
    closedRoom: true,
    createServer: () =>
      createTlsServer({
        ...tlsOptions,
        handshakeTimeout: handshakeTimeoutMs,
        noDelay: true,
        pskCallback: (_socket, identity) => (identity === PSK_IDENTITY ? key : null),
      }),
    readyEvent: 'secureConnection',
    connect: (host, port) =>
      tlsConnect({
        ...tlsOptions,
        host,
        port,
        // There is no certificate: the shared key is what authenticates the peer.
        checkServerIdentity: () => undefined,
        pskCallback: () => ({ psk: key, identity: PSK_IDENTITY }),
      }),
    connectEvent: 'secureConnect',
  };
}
