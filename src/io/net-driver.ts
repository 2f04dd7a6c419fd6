import type { Server, Socket } from 'node:net';
import { connect } from 'node:net';
import type { Observable } from 'rxjs';
import { fromEvent, map, merge, mergeMap, Observable as RxObservable, Subject } from 'rxjs';
import { formatHostPort, parseHostPort } from '../core/address.js';
import type { DialPurpose, Direction, LinkId, NodeEvent } from '../core/event.js';
import type { DecodeProblem } from '../protocol/frame-decoder.js';
import { createFrameDecoder } from '../protocol/frame-decoder.js';
import type { Frame } from '../protocol/frames.js';

export interface NetDriverOptions {
  readonly server: Server;
  readonly clock: () => number;
  readonly connectTimeoutMs: number;
}

/** The network edge: sockets become events, and send/dial/close effects become socket calls. */
export interface NetDriver {
  readonly event$: Observable<NodeEvent>;
  send(links: readonly LinkId[], frame: Frame): void;
  dial(target: string, purpose: DialPurpose): void;
  close(link: LinkId, graceful: boolean): void;
  /** Ends every link after what was written, waits for them to close (at most `timeoutMs`). */
  shutdown(timeoutMs: number): Promise<void>;
}

interface Connection {
  readonly socket: Socket;
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

function remoteOf(socket: Socket): string {
  return formatHostPort(socket.remoteAddress ?? '?', socket.remotePort ?? 0);
}

export function makeNetDriver(options: NetDriverOptions): NetDriver {
  const { server, clock } = options;
  const sockets = new Map<LinkId, Socket>();
  const dialed = new Subject<Connection>();
  const dialFailures = new Subject<NodeEvent>();
  let nextLinkId = 1;

  /** One socket's whole life as events: up, frames and bad input, down. */
  function linkEvents(connection: Connection): Observable<NodeEvent> {
    return new RxObservable<NodeEvent>((subscriber) => {
      const { socket } = connection;
      const link = nextLinkId++;
      sockets.set(link, socket);
      socket.setNoDelay(true);
      subscriber.next({
        kind: 'linkUp',
        at: clock(),
        link,
        remote: remoteOf(socket),
        direction: connection.direction,
        ...(connection.target === undefined ? {} : { target: connection.target }),
        ...(connection.purpose === undefined ? {} : { purpose: connection.purpose }),
      });
      const decoder = createFrameDecoder({
        frame: (frame) => subscriber.next({ kind: 'frame', at: clock(), link, frame }),
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
      socket.on('data', function linkOnData(chunk: Buffer) {
        if (!decoder.write(chunk)) socket.destroy();
      });
      socket.on('error', function linkOnError(error: Error) {
        reason = error.message;
      });
      socket.on('close', function linkOnClose() {
        sockets.delete(link);
        subscriber.next({ kind: 'linkDown', at: clock(), link, reason });
        subscriber.complete();
      });
      return () => {
        sockets.delete(link);
        socket.destroy();
      };
    });
  }

  const incoming$ = fromEvent(server, 'connection').pipe(
    map((socket): Connection => ({ socket: socket as Socket, direction: 'in' })),
  );
  const event$ = merge(merge(incoming$, dialed).pipe(mergeMap(linkEvents)), dialFailures);

  function dial(target: string, purpose: DialPurpose): void {
    const fail = (reason: string): void =>
      dialFailures.next({ kind: 'dialFailed', at: clock(), target, purpose, reason });
    const address = parseHostPort(target);
    if (address === undefined) {
      fail('not a host:port address');
      return;
    }
    const socket = connect({ host: address.host, port: address.port });
    const timer = setTimeout(
      () => socket.destroy(new Error(`no answer within ${options.connectTimeoutMs} ms`)),
      options.connectTimeoutMs,
    );
    const onError = (error: Error): void => {
      clearTimeout(timer);
      fail(error.message);
    };
    socket.once('error', onError);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      dialed.next({ socket, direction: 'out', target, purpose });
    });
  }

  function send(links: readonly LinkId[], frame: Frame): void {
    // Serialised once; the same bytes go to every link.
    const bytes = `${JSON.stringify(frame)}\n`;
    for (const link of links) {
      const socket = sockets.get(link);
      if (socket?.writable) socket.write(bytes);
    }
  }

  function close(link: LinkId, graceful: boolean): void {
    const socket = sockets.get(link);
    if (socket === undefined) return;
    if (graceful) socket.end();
    else socket.destroy();
  }

  async function shutdown(timeoutMs: number): Promise<void> {
    server.close();
    const open = [...sockets.values()];
    const closed = open.map(
      (socket) =>
        new Promise<void>((resolve) => {
          if (socket.destroyed) resolve();
          else socket.once('close', () => resolve());
        }),
    );
    for (const socket of open) socket.end();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([Promise.all(closed), deadline]);
    clearTimeout(timer);
    for (const socket of open) socket.destroy();
  }

  return { event$, send, dial, close, shutdown };
}
