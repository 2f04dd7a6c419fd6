import { createRequire } from 'node:module';
import { connect as netConnect } from 'node:net';
import { PROOF_EXPORTER_LABEL, PSK_CIPHERS, PSK_IDENTITY } from './room-key.js';

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
  /** A TLS socket's keying material exporter (RFC 8446 §7.5; absent in the clear). */
  exportKeyingMaterial?(length: number, label: string, context: Buffer): Buffer;
  /** Puts bytes read back at the front, to be read again (the first byte, once judged). */
  unshift(chunk: Buffer): unknown;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'error', listener: (error: NodeJS.ErrnoException) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  once(event: 'error', listener: (error: NodeJS.ErrnoException) => void): unknown;
  once(event: 'close' | 'drain' | 'connect' | 'secureConnect', listener: () => void): unknown;
  off(event: 'error', listener: (error: NodeJS.ErrnoException) => void): unknown;
  off(event: 'data', listener: (chunk: Buffer) => void): unknown;
}

/**
 * What names a closed room's link in its handshake proofs: 32 bytes exported
 * from its TLS session, hex, the same at both ends of that session. None for
 * a socket that cannot say (the proofs then fail against a peer that can).
 */
export function sessionBinding(socket: LinkSocket): string | undefined {
  try {
    // An empty context: in TLS 1.3 no context and an empty one export the same bytes.
    return socket.exportKeyingMaterial?.(32, PROOF_EXPORTER_LABEL, Buffer.alloc(0)).toString('hex');
  } catch {
    return undefined;
  }
}

/** What the network edge uses of the listening server (a `net.Server` in both rooms). */
export interface LinkServer {
  on(event: 'connection', listener: (socket: LinkSocket) => void): unknown;
  off(event: 'connection', listener: (socket: LinkSocket) => void): unknown;
  close(): unknown;
}

/**
 * A closed room's TLS server, which never listens: an accepted socket whose
 * first byte is a TLS handshake is handed to it (`emit('connection')`, the
 * documented way to inject a connection into a `tls.Server`), and it hands
 * back the TLS socket on `secureConnection`, or says why TLS failed on
 * `tlsClientError`: the events, PSK and handshake timeout of a listening one.
 * (A bare `new TLSSocket(socket, { isServer: true, pskCallback })` takes the
 * PSK too, in Node 20, but says its handshake is done only by the undocumented
 * `secure` event, and a timeout or a hang-up during it by no public event.)
 */
export interface TlsAcceptor {
  emit(event: 'connection', socket: LinkSocket): boolean;
  on(event: 'secureConnection', listener: (socket: LinkSocket) => void): unknown;
  on(
    event: 'tlsClientError',
    listener: (error: NodeJS.ErrnoException, socket: LinkSocket) => void,
  ): unknown;
  off(event: 'secureConnection', listener: (socket: LinkSocket) => void): unknown;
  off(
    event: 'tlsClientError',
    listener: (error: NodeJS.ErrnoException, socket: LinkSocket) => void,
  ): unknown;
}

interface Dialling {
  /** Dials; the socket is ready for the hello on `connectEvent`. */
  connect(host: string, port: number): LinkSocket;
  readonly connectEvent: 'connect' | 'secureConnect';
}

/**
 * How bytes travel: in the clear for an open room, TLS 1.3 with a pre-shared
 * key for a closed one. Everything above works on the sockets it hands out.
 * Both rooms listen on plain TCP; an accepted socket's first byte decides
 * (`firstByteVerdict`), and a closed room's TLS starts after it.
 */
export type Transport =
  | (Dialling & { readonly closedRoom: false })
  | (Dialling & { readonly closedRoom: true; readonly tlsAcceptor: TlsAcceptor });

export function openTransport(): Transport {
  return {
    closedRoom: false,
    connect: (host, port) => netConnect({ host, port, noDelay: true }),
    connectEvent: 'connect',
  };
}

/**
 * Node's TLS, loaded only by a closed room: an open room's member never
 * needs it (loading it took 2 MB in a bare process, 0.8 MB of a member's peak).
 */
function loadTls(): typeof import('node:tls') {
  return createRequire(import.meta.url)('node:tls') as typeof import('node:tls');
}

export function closedTransport(key: Buffer, handshakeTimeoutMs: number): Transport {
  const { createServer: createTlsServer, connect: tlsConnect } = loadTls();
  const tlsOptions = {
    ciphers: PSK_CIPHERS,
    minVersion: 'TLSv1.3',
    maxVersion: 'TLSv1.3',
  } as const;
  return {
    closedRoom: true,
    // Never listens: the room's plain TCP server hands it the sockets that start TLS.
    tlsAcceptor: createTlsServer({
      ...tlsOptions,
      handshakeTimeout: handshakeTimeoutMs,
      pskCallback: (_socket, identity) => (identity === PSK_IDENTITY ? key : null),
    }),
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
