import { randomBytes } from 'node:crypto';
import type { Observable, SchedulerLike } from 'rxjs';
import { merge, mergeMap, Subject } from 'rxjs';
import type { DialPurpose, LinkId, NodeEvent } from '../core/event.js';
import type { Frame } from '../protocol/frames.js';
import { makeDialer } from './dialer.js';
import { makeEdgeScope } from './edge-scope.js';
import { incoming$ } from './incoming.js';
import type { Connection } from './link-stream.js';
import { linkEvents } from './link-stream.js';
import { makeLinkTable } from './link-table.js';
import { makeLinkWriter } from './link-writer.js';
import { makeStrangerGuard } from './stranger-guard.js';
import type { LinkServer, Transport } from './transport.js';

export { tlsFailure } from './tls-failure.js';

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

/**
 * The edge's limits; docs/SECURITY.md says what each protects. The two byte
 * marks are where the edge reports a link's unsent bytes; what follows from
 * them (stdin held, the link dropped, and when) is the core's (link-pressure).
 */
export interface LinkLimits {
  /**
   * The first byte and TLS must be done by then, or the socket is destroyed (the hello is
   * timed by the core).
   */
  readonly handshakeTimeoutMs: number;
  /** Accepted connections still without a handshake (no member on them yet), in all. */
  readonly maxUnauthenticated: number;
  /** Of those, from one address. */
  readonly maxUnauthenticatedPerAddress: number;
  /** Unsent bytes on one link over which it is reported `overfull`. */
  readonly maxUnsentBytes: number;
  /** Unsent bytes on one link over which it is reported congested, until it drains. */
  readonly congestedBytes: number;
  /** Bytes read from one link per second; beyond it reading pauses (TCP backpressure). */
  readonly readBytesPerSecond: number;
}

export const defaultLimits: LinkLimits = {
  handshakeTimeoutMs: 5000,
  maxUnauthenticated: 128,
  maxUnauthenticatedPerAddress: 16,
  maxUnsentBytes: 16 * 1024 * 1024,
  congestedBytes: 1024 * 1024,
  readBytesPerSecond: 32 * 1024 * 1024,
};

/** How long a link this node ended may stay open waiting for the peer to close its side. */
export const END_GRACE_MS = 2000;

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
  /** The link's handshake is done: it no longer counts among the connections without one. */
  member(link: LinkId): void;
  /** Stops reading from every link (true) or reads again (false): TCP slows the senders. */
  holdReading(held: boolean): void;
}

const randomNonce = (): string => randomBytes(16).toString('base64');

/**
 * The edge composed of its parts: the stranger guard, one link stream per
 * socket, the dialer and the writer, sharing the scope (timers, open sockets)
 * and the link table. Events not of one link stream go out on `reported`.
 */
export function makeNetDriver(options: NetDriverOptions): NetDriver {
  const { server, transport, limits } = options;
  const scope = makeEdgeScope(options.scheduler);
  const reported = new Subject<NodeEvent>();
  const report = (event: NodeEvent): void => reported.next(event);
  const table = makeLinkTable();
  const guard = makeStrangerGuard({ scope, limits, report });
  const writer = makeLinkWriter({ table, marks: limits, now: scope.now, report });
  const dialed = new Subject<Connection>();
  const dial = makeDialer({
    scope,
    transport,
    connectTimeoutMs: options.connectTimeoutMs,
    report,
    connected: (connection) => dialed.next(connection),
  });
  const streamDeps = {
    scope,
    transport,
    table,
    readBytesPerSecond: limits.readBytesPerSecond,
    nonce: options.nonce ?? randomNonce,
    linked: guard.linked,
    closing: writer.closed,
  };
  const links$ = merge(incoming$(server, transport, guard, scope), dialed).pipe(
    mergeMap((connection) => linkEvents(streamDeps, connection)),
  );
  return {
    event$: merge(links$, reported),
    send: writer.send,
    dial,
    close(link, graceful) {
      const socket = table.get(link);
      table.close(link, graceful);
      // Ended after what was written; a peer that does not close its side in time is cut off.
      if (graceful && socket !== undefined) scope.later(END_GRACE_MS, () => socket.destroy());
    },
    member(link) {
      const socket = table.get(link);
      if (socket !== undefined) guard.authenticated(socket);
    },
    holdReading: table.holdReading,
  };
}
