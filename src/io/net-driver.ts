import { randomBytes } from 'node:crypto';
import type { Observable, SchedulerLike } from 'rxjs';
import { merge, mergeMap, Observable as RxObservable, Subject, Subscription } from 'rxjs';
import { formatHostPort, parseHostPort } from '../core/address.js';
import type { DialPurpose, Direction, LinkId, NodeEvent } from '../core/event.js';
import type { DecodeProblem } from '../protocol/frame-decoder.js';
import { createFrameDecoder } from '../protocol/frame-decoder.js';
import type { Frame } from '../protocol/frames.js';
import { frameJson } from '../protocol/json-text.js';
import type { LinkServer, LinkSocket, Transport } from './transport.js';

export interface NetDriverOptions {
  readonly server: LinkServer;
  readonly transport: Transport;
  /** Every timeout of the edge runs on it; its `now()` stamps the events. */
  readonly scheduler: SchedulerLike;
  readonly connectTimeoutMs: number;
  readonly limits: LinkLimits;
  /** Fresh random bytes (base64) for a link's hello nonce. */
  readonly nonce?: () => string;
}

/** The edge's limits; docs/SECURITY.md says what each protects. */
export interface LinkLimits {
  /** TLS and hello must be done by then, or the socket is destroyed. */
  readonly handshakeTimeoutMs: number;
  /** Links (connections) at once; more are refused. */
  readonly maxLinks: number;
  /** Connections from one address that have not said hello yet. */
  readonly maxUnauthenticatedPerAddress: number;
  /** Unsent bytes queued for one link before it is dropped as a reader that does not read. */
  readonly maxUnsentBytes: number;
  /** Unsent bytes on a link above which it is congested: stdin pauses until it drains. */
  readonly congestedBytes: number;
  /** A link congested this long without draining is dropped as a reader that does not read. */
  readonly stallMs: number;
  /** Bytes read from one link per second; beyond it reading pauses (TCP backpressure). */
  readonly readBytesPerSecond: number;
}

export const defaultLimits: LinkLimits = {
  handshakeTimeoutMs: 5000,
  maxLinks: 128,
  maxUnauthenticatedPerAddress: 16,
  maxUnsentBytes: 16 * 1024 * 1024,
  congestedBytes: 1024 * 1024,
  stallMs: 5000,
  readBytesPerSecond: 32 * 1024 * 1024,
};

const TLS_HANDSHAKE_BYTE = 0x16;
const RATE_WINDOW_MS = 100;

/** A one-line reason for a failed TLS handshake, from OpenSSL's error code. */
export function tlsFailure(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ERR_SSL_BINDER_DOES_NOT_VERIFY':
    case 'ERR_SSL_SSLV3_ALERT_ILLEGAL_PARAMETER':
    case 'ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC':
      return 'it uses a different room secret';
    case 'ERR_TLS_HANDSHAKE_TIMEOUT':
      return 'no TLS handshake in time';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'it hung up during the TLS handshake (an open room, or a different secret)';
    default:
      return error.code?.startsWith('ERR_SSL') === true
        ? 'it did not start a TLS handshake: it does not use a room secret'
        : error.message;
  }
}

/**
 * The network edge: sockets become events, and send/dial/close effects become
 * socket calls. Subscribing to `event$` starts it; unsubscribing closes the
 * server, destroys every socket that is left and cancels every timer.
 */
export interface NetDriver {
  readonly event$: Observable<NodeEvent>;
  send(links: readonly LinkId[], frame: Frame): void;
  dial(target: string, purpose: DialPurpose): void;
  close(link: LinkId, graceful: boolean): void;
  /** Stops reading from every link (true) or reads again (false): TCP slows the senders. */
  holdReading(held: boolean): void;
}

interface Connection {
  readonly socket: LinkSocket;
  readonly direction: Direction;
  readonly target?: string;
  readonly purpose?: DialPurpose;
}

function describeProblem(problem: DecodeProblem): string {
  switch (problem.kind) {
    case 'oversize':
      return 'sent a line over the 64 KiB frame limit';
    case 'not-utf8':
      return 'sent a line that is not UTF-8';
    case 'not-json':
      return 'sent a line that is not JSON';
    case 'invalid':
      return `sent an invalid frame (${problem.error})`;
  }
}

function remoteOf(socket: LinkSocket): string {
  return formatHostPort(socket.remoteAddress ?? '?', socket.remotePort ?? 0);
}

const randomNonce = (): string => randomBytes(16).toString('base64');

export function makeNetDriver(options: NetDriverOptions): NetDriver {
  const { server, scheduler, transport, limits } = options;
  const clock = (): number => scheduler.now();
  const nonce = options.nonce ?? randomNonce;
  const sockets = new Map<LinkId, LinkSocket>();
  /** Every socket not yet closed, links or not: the teardown destroys them. */
  const open = new Set<LinkSocket>();
  /** Every pending timer: the teardown cancels them. */
  const timers = new Subscription();
  let readingHeld = false;
  const edgeEvents = new Subject<NodeEvent>();
  const dialed = new Subject<Connection>();
  /** Connections that have not said hello yet, by `address:port`, with their address. */
  const unauthenticated = new Map<string, string>();
  const perAddress = new Map<string, number>();
  /** Connections that became links (their handshake timeout is the core's). */
  const linkedKeys = new Set<string>();
  let nextLinkId = 1;

  /** Runs `work` after `ms` on the scheduler; unsubscribe to cancel. */
  const later = (ms: number, work: () => void): Subscription => {
    const timer = scheduler.schedule(() => {
      timers.remove(timer);
      work();
    }, ms);
    timers.add(timer);
    return timer;
  };
  const cancel = (timer: Subscription): void => {
    timer.unsubscribe();
    timers.remove(timer);
  };
  const track = (socket: LinkSocket): void => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  };
  const connectionKey = (socket: LinkSocket): string =>
    `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`;
  const refuse = (socket: LinkSocket, reason: string): void => {
    edgeEvents.next({ kind: 'refused', at: clock(), remote: remoteOf(socket), reason });
    socket.destroy();
  };
  function authenticated(socket: LinkSocket): void {
    const key = connectionKey(socket);
    const address = unauthenticated.get(key);
    if (address === undefined) return;
    unauthenticated.delete(key);
    perAddress.set(address, (perAddress.get(address) ?? 1) - 1);
  }

  // Every TCP connection, before TLS and hello: the limits on strangers apply here.
  function onConnection(socket: LinkSocket): void {
    track(socket);
    const address = socket.remoteAddress ?? '?';
    if (sockets.size >= limits.maxLinks) {
      refuse(socket, `the node has ${limits.maxLinks} links already (--max-links)`);
      return;
    }
    if ((perAddress.get(address) ?? 0) >= limits.maxUnauthenticatedPerAddress) {
      refuse(
        socket,
        `over ${limits.maxUnauthenticatedPerAddress} connections from one address still without a handshake`,
      );
      return;
    }
    const key = connectionKey(socket);
    unauthenticated.set(key, address);
    perAddress.set(address, (perAddress.get(address) ?? 0) + 1);
    socket.on('error', () => {});
    // Before it is a link (the TLS phase) the edge enforces the handshake timeout; Node's own
    // handshakeTimeout reports but leaves the socket open. Links are timed by the core.
    const timeout = later(limits.handshakeTimeoutMs, () => {
      if (unauthenticated.has(key) && !linkedKeys.has(key)) {
        refuse(socket, `no handshake within ${limits.handshakeTimeoutMs} ms`);
      }
    });
    socket.once('close', () => {
      cancel(timeout);
      authenticated(socket);
    });
  }
  function onTlsError(error: NodeJS.ErrnoException, socket: LinkSocket): void {
    refuse(socket, tlsFailure(error));
  }

  /** One socket's whole life as events: up, frames and bad input, down. */
  function linkEvents(connection: Connection): Observable<NodeEvent> {
    return new RxObservable<NodeEvent>((subscriber) => {
      const { socket } = connection;
      if (readingHeld) socket.pause();
      const link = nextLinkId++;
      sockets.set(link, socket);
      const key = connectionKey(socket);
      linkedKeys.add(key);
      socket.setNoDelay(true);
      subscriber.next({
        kind: 'linkUp',
        at: clock(),
        link,
        remote: remoteOf(socket),
        direction: connection.direction,
        nonce: nonce(),
        ...(connection.target === undefined ? {} : { target: connection.target }),
        ...(connection.purpose === undefined ? {} : { purpose: connection.purpose }),
      });
      const decoder = createFrameDecoder({
        frame: (frame) => {
          if (frame.type === 'hello') authenticated(socket);
          subscriber.next({ kind: 'frame', at: clock(), link, frame });
        },
        problem: (problem) =>
          subscriber.next({
            kind: 'badInput',
            at: clock(),
            link,
            problem: describeProblem(problem),
            fatal: problem.kind === 'oversize',
          }),
      });
      let reason = 'connection closed';
      let first = true;
      let windowStart = 0;
      let windowBytes = 0;
      let rateTimer: Subscription | undefined;
      socket.on('data', function linkOnData(chunk: Buffer) {
        if (first) {
          first = false;
          if (!transport.closedRoom && chunk[0] === TLS_HANDSHAKE_BYTE) {
            subscriber.next({
              kind: 'badInput',
              at: clock(),
              link,
              problem: 'sent a TLS handshake: it uses a room secret, and this room is open',
              fatal: true,
            });
            socket.destroy();
            return;
          }
        }
        // The rate limit pauses reading: the sender is slowed by TCP, nothing is dropped.
        const now = clock();
        if (now - windowStart >= RATE_WINDOW_MS) {
          windowStart = now;
          windowBytes = 0;
        }
        windowBytes += chunk.length;
        if (windowBytes > (limits.readBytesPerSecond * RATE_WINDOW_MS) / 1000) {
          socket.pause();
          if (rateTimer !== undefined) cancel(rateTimer);
          rateTimer = later(RATE_WINDOW_MS - (now - windowStart), () => {
            rateTimer = undefined;
            if (!readingHeld) socket.resume();
          });
        }
        if (!decoder.write(chunk)) socket.destroy();
      });
      socket.on('error', function linkOnError(error: Error) {
        reason = error.message;
      });
      socket.on('close', function linkOnClose() {
        if (rateTimer !== undefined) cancel(rateTimer);
        sockets.delete(link);
        linkedKeys.delete(key);
        subscriber.next({ kind: 'linkDown', at: clock(), link, reason });
        subscriber.complete();
      });
      return () => {
        sockets.delete(link);
        socket.destroy();
      };
    });
  }

  function dial(target: string, purpose: DialPurpose): void {
    const fail = (reason: string): void =>
      edgeEvents.next({ kind: 'dialFailed', at: clock(), target, purpose, reason });
    const address = parseHostPort(target);
    if (address === undefined) {
      fail('not a host:port address');
      return;
    }
    const socket = transport.connect(address.host, address.port);
    track(socket);
    const timer = later(options.connectTimeoutMs, () =>
      socket.destroy(new Error(`no answer within ${options.connectTimeoutMs} ms`)),
    );
    let connected = false;
    socket.once('connect', () => {
      connected = true;
    });
    const onError = (error: NodeJS.ErrnoException): void => {
      cancel(timer);
      fail(
        transport.closedRoom && connected
          ? `the TLS handshake failed: ${tlsFailure(error)}`
          : error.message,
      );
    };
    socket.once('error', onError);
    socket.once(transport.connectEvent, () => {
      cancel(timer);
      socket.off('error', onError);
      dialed.next({ socket, direction: 'out', target, purpose });
    });
  }

  /** Links with unsent data over the congestion mark, each with its stall check. */
  const congested = new Map<LinkSocket, Subscription>();
  const uncongest = (socket: LinkSocket): void => {
    const stall = congested.get(socket);
    if (stall === undefined) return;
    cancel(stall);
    congested.delete(socket);
    if (congested.size === 0)
      edgeEvents.next({ kind: 'congestion', at: clock(), congested: false });
  };
  const watchCongestion = (socket: LinkSocket): void => {
    if (congested.has(socket) || socket.writableLength <= limits.congestedBytes) return;
    // A link that does not drain within stallMs is a reader that does not read.
    const stall = later(limits.stallMs, () =>
      socket.destroy(new Error(`it stopped reading: nothing drained for ${limits.stallMs} ms`)),
    );
    congested.set(socket, stall);
    if (congested.size === 1) edgeEvents.next({ kind: 'congestion', at: clock(), congested: true });
    socket.once('drain', () => uncongest(socket));
    socket.once('close', () => uncongest(socket));
  };

  function send(links: readonly LinkId[], frame: Frame): void {
    // Serialised once; the same bytes go to every link.
    const bytes = `${frameJson(frame)}\n`;
    for (const link of links) {
      const socket = sockets.get(link);
      if (!socket?.writable) continue;
      if (socket.writableLength > limits.maxUnsentBytes) {
        // A reader that does not read: drop it (as lost) rather than let memory grow.
        socket.destroy(new Error(`it stopped reading: over ${limits.maxUnsentBytes} bytes unsent`));
        continue;
      }
      socket.write(bytes);
      watchCongestion(socket);
    }
  }

  function close(link: LinkId, graceful: boolean): void {
    const socket = sockets.get(link);
    if (socket === undefined) return;
    if (graceful) socket.end();
    else socket.destroy();
  }

  const holdReading = (held: boolean): void => {
    readingHeld = held;
    for (const socket of sockets.values()) {
      if (held) socket.pause();
      else socket.resume();
    }
  };

  const incoming$ = new RxObservable<Connection>((subscriber) => {
    const onReady = (socket: LinkSocket): void => {
      // A connection refused by the limits above is destroyed already: it never becomes a link.
      if (!socket.destroyed) subscriber.next({ socket, direction: 'in' });
    };
    server.on('connection', onConnection);
    server.on('tlsClientError', onTlsError);
    server.on(transport.readyEvent, onReady);
    return () => {
      server.off('connection', onConnection);
      server.off('tlsClientError', onTlsError);
      server.off(transport.readyEvent, onReady);
      server.close();
      timers.unsubscribe();
      for (const socket of open) socket.destroy();
    };
  });
  const event$ = merge(merge(incoming$, dialed).pipe(mergeMap(linkEvents)), edgeEvents);
  return { event$, send, dial, close, holdReading };
}
