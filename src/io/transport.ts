import type { Server } from 'node:net';
import { createServer as createNetServer, connect as netConnect } from 'node:net';
import { createServer as createTlsServer, connect as tlsConnect } from 'node:tls';
import { PSK_CIPHERS, PSK_IDENTITY } from './room-key.js';

/** What the network edge uses of a socket (a `net.Socket` or `tls.TLSSocket`; a fake in tests). */
export interface LinkSocket {
  readonly remoteAddress?: string | undefined;
  readonly remotePort?: number | undefined;
  readonly writable: boolean;
  readonly writableLength: number;
  readonly destroyed: boolean;
  setNoDelay(noDelay: boolean): unknown;
  write(data: string): boolean;
  end(): unknown;
  destroy(error?: Error): unknown;
  pause(): unknown;
  resume(): unknown;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'error', listener: (error: NodeJS.ErrnoException) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  once(event: 'error', listener: (error: NodeJS.ErrnoException) => void): unknown;
  once(event: 'close' | 'drain' | 'connect' | 'secureConnect', listener: () => void): unknown;
  off(event: 'error', listener: (error: NodeJS.ErrnoException) => void): unknown;
}

/** What the network edge uses of the listening server. */
export interface LinkServer {
  on(event: 'connection' | 'secureConnection', listener: (socket: LinkSocket) => void): unknown;
  on(
    event: 'tlsClientError',
    listener: (error: NodeJS.ErrnoException, socket: LinkSocket) => void,
  ): unknown;
  off(event: 'connection' | 'secureConnection', listener: (socket: LinkSocket) => void): unknown;
  off(
    event: 'tlsClientError',
    listener: (error: NodeJS.ErrnoException, socket: LinkSocket) => void,
  ): unknown;
  close(): unknown;
}

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
  connect(host: string, port: number): LinkSocket;
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
