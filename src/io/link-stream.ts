import { Observable } from 'rxjs';
import type { DialPurpose, Direction, LinkId, NodeEvent } from '../core/event.js';
import type { DecodeProblem } from '../protocol/frame-decoder.js';
import { createFrameDecoder } from '../protocol/frame-decoder.js';
import type { EdgeScope } from './edge-scope.js';
import { remoteOf } from './edge-scope.js';
import type { LinkTable } from './link-table.js';
import type { ReadRate } from './read-rate.js';
import { readRateLimit } from './read-rate.js';
import type { LinkSocket, Transport } from './transport.js';
import { sessionBinding } from './transport.js';

/** A socket ready for the hello, and where it came from. */
export interface Connection {
  readonly socket: LinkSocket;
  readonly direction: Direction;
  readonly target?: string;
  readonly purpose?: DialPurpose;
}

export interface LinkStreamDeps {
  readonly scope: EdgeScope;
  readonly transport: Transport;
  readonly table: LinkTable;
  /** Bytes read from one link per second; beyond it reading pauses. */
  readonly readBytesPerSecond: number;
  /** Fresh random bytes (base64) for a link's hello nonce. */
  readonly nonce: () => string;
  /** An accepted connection became a link: the pre-link timeout stops. */
  readonly linked: (socket: LinkSocket) => void;
  /** Just before its linkDown: what else tracks the link lets go of it. */
  readonly closing: (link: LinkId) => void;
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

/** The link is up: with a fresh nonce and, in a closed room, its TLS session's binding. */
function linkUpEvent(deps: LinkStreamDeps, connection: Connection, link: LinkId): NodeEvent {
  const binding = deps.transport.closedRoom ? sessionBinding(connection.socket) : undefined;
  return {
    kind: 'linkUp',
    at: deps.scope.now(),
    link,
    remote: remoteOf(connection.socket),
    direction: connection.direction,
    nonce: deps.nonce(),
    ...(connection.target === undefined ? {} : { target: connection.target }),
    ...(connection.purpose === undefined ? {} : { purpose: connection.purpose }),
    ...(binding === undefined ? {} : { binding }),
  };
}

/** Reads a link: bytes through the rate limit and the decoder, frames and bad input out. */
function readLink(
  deps: LinkStreamDeps,
  socket: LinkSocket,
  link: LinkId,
  emit: (event: NodeEvent) => void,
): ReadRate {
  const { scope } = deps;
  const badInput = (problem: string, fatal: boolean): void =>
    emit({ kind: 'badInput', at: scope.now(), link, problem, fatal });
  const decoder = createFrameDecoder({
    frame: (frame) => emit({ kind: 'frame', at: scope.now(), link, frame }),
    problem: (problem) => badInput(describeProblem(problem), problem.kind === 'oversize'),
  });
  const rate = readRateLimit(socket, deps.readBytesPerSecond, scope, () => deps.table.readingHeld);
  // (What speaks TLS to an open room is refused at its first byte, before it is a link.)
  socket.on('data', function linkOnData(chunk: Buffer) {
    rate.count(chunk.length);
    if (!decoder.write(chunk)) socket.destroy();
  });
  // An accepted socket comes paused, its first byte read back; it flows now unless reading is held.
  if (!deps.table.readingHeld) socket.resume();
  return rate;
}

/**
 * One socket's whole life as events: linkUp, frames and bad input, linkDown
 * (with the socket's error, if any, as the reason). Unsubscribing destroys it.
 */
export function linkEvents(deps: LinkStreamDeps, connection: Connection): Observable<NodeEvent> {
  return new Observable<NodeEvent>((subscriber) => {
    const { socket } = connection;
    const link = deps.table.add(socket);
    if (connection.direction === 'in') deps.linked(socket);
    socket.setNoDelay(true);
    subscriber.next(linkUpEvent(deps, connection, link));
    const rate = readLink(deps, socket, link, (event) => subscriber.next(event));
    let reason = 'connection closed';
    socket.on('error', function linkOnError(error: Error) {
      reason = error.message;
    });
    socket.on('close', function linkOnClose() {
      rate.stop();
      deps.closing(link);
      deps.table.remove(link);
      subscriber.next({ kind: 'linkDown', at: deps.scope.now(), link, reason });
      subscriber.complete();
    });
    return () => {
      deps.table.remove(link);
      socket.destroy();
    };
  });
}
