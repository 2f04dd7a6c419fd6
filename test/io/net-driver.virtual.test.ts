import { EventEmitter } from 'node:events';
import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { NodeEvent } from '../../src/core/event.js';
import type { LinkLimits } from '../../src/io/net-driver.js';
import { defaultLimits, makeNetDriver } from '../../src/io/net-driver.js';
import type { LinkSocket, TlsAcceptor, Transport } from '../../src/io/transport.js';

/** A socket that never talks by itself: the test says when it connects, and it never drains. */
class FakeSocket extends EventEmitter implements LinkSocket {
  writable = true;
  writableLength = 0;
  destroyed = false;
  paused = false;
  /** What was read back, to be read again. */
  readonly unshifted: Buffer[] = [];
  constructor(
    readonly remotePort: number,
    readonly remoteAddress = '127.0.0.1',
  ) {
    super();
  }
  setNoDelay(): this {
    return this;
  }
  write(data: string): boolean {
    this.writableLength += data.length;
    return false;
  }
  end(): this {
    this.writable = false;
    return this;
  }
  destroy(error?: Error): this {
    if (this.destroyed) return this;
    this.destroyed = true;
    this.writable = false;
    if (error !== undefined) this.emit('error', error);
    this.emit('close');
    return this;
  }
  pause(): this {
    this.paused = true;
    return this;
  }
  resume(): this {
    this.paused = false;
    return this;
  }
  unshift(chunk: Buffer): this {
    this.unshifted.push(chunk);
    return this;
  }
}

/** The TLS acceptor of a closed room: the test plays its events; it records what it was handed. */
class FakeAcceptor extends EventEmitter implements TlsAcceptor {
  readonly handed: LinkSocket[] = [];
  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'connection') this.handed.push(args[0] as LinkSocket);
    return super.emit(event, ...args);
  }
}

class FakeServer extends EventEmitter {
  closed = false;
  close(): this {
    this.closed = true;
    return this;
  }
}

function fakeTransport(acceptor: FakeAcceptor | undefined, dialled: FakeSocket): Transport {
  const connect = () => dialled;
  return acceptor === undefined
    ? { closedRoom: false, connect, connectEvent: 'connect' }
    : { closedRoom: true, tlsAcceptor: acceptor, connect, connectEvent: 'secureConnect' };
}

/** A connection accepted by `server` whose first chunk, if any, arrives at once. */
function accept(server: FakeServer, socket: FakeSocket, first?: string | Buffer): void {
  server.emit('connection', socket);
  if (first !== undefined) socket.emit('data', Buffer.from(first));
}

function scheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

/** An event as `kind: detail`. */
function brief(event: NodeEvent): string {
  switch (event.kind) {
    case 'refused':
      return `refused: ${event.reason}`;
    case 'dialFailed':
      return `dialFailed: ${event.reason}`;
    case 'linkDown':
      return `linkDown: ${event.reason}`;
    case 'congestion':
      return `congestion ${event.link}: ${event.congested}`;
    case 'overfull':
      return `overfull ${event.link}: ${event.unsentBytes} > ${event.limitBytes}`;
    default:
      return event.kind;
  }
}

/** A driver on a fake server, dialling `dialled`, with its timers on `ts`. */
function fakeDriver(
  ts: TestScheduler,
  server: FakeServer,
  options: {
    acceptor?: FakeAcceptor | undefined;
    connectTimeoutMs?: number;
    limits?: LinkLimits;
  } = {},
  dialled = new FakeSocket(1),
) {
  return makeNetDriver({
    server,
    transport: fakeTransport(options.acceptor, dialled),
    scheduler: ts,
    connectTimeoutMs: options.connectTimeoutMs ?? 5000,
    limits: options.limits ?? defaultLimits,
    nonce: () => 'n',
  });
}

/** Each room, with what its driver is given (a closed room's TLS acceptor). */
const ROOMS: [string, () => FakeAcceptor | undefined][] = [
  ['an open room', () => undefined],
  ['a closed room', () => new FakeAcceptor()],
];

describe('the network edge in virtual time', () => {
  it.each(ROOMS)(
    '%s: a connection that sends nothing is refused at the handshake timeout',
    (_room, acceptor) => {
      const ts = scheduler();
      ts.run(({ expectObservable }) => {
        const server = new FakeServer();
        const socket = new FakeSocket(40_001);
        const net = fakeDriver(ts, server, { acceptor: acceptor() });
        ts.schedule(() => server.emit('connection', socket), 10);
        expectObservable(net.event$.pipe(map(brief)), '^ 6s !').toBe('5010ms r', {
          r: 'refused: no handshake within 5000 ms',
        });
        ts.schedule(() => expect(socket.destroyed).toBe(false), 5009);
        ts.schedule(() => expect(socket.destroyed).toBe(true), 5011);
      });
    },
  );

  it('a dial that gets no answer fails at the connect timeout', () => {
    const ts = scheduler();
    ts.run(({ expectObservable }) => {
      const dialled = new FakeSocket(9100);
      const net = fakeDriver(ts, new FakeServer(), { connectTimeoutMs: 3000 }, dialled);
      ts.schedule(() => net.dial('127.0.0.1:9100', { kind: 'initial' }), 100);
      expectObservable(net.event$.pipe(map(brief)), '^ 5s !').toBe('3100ms f', {
        f: 'dialFailed: no answer within 3000 ms',
      });
    });
  });

  it('a link that stays congested is reported, once, and not dropped by the edge', () => {
    const ts = scheduler();
    ts.run(({ expectObservable }) => {
      const server = new FakeServer();
      const socket = new FakeSocket(40_002);
      const limits = { ...defaultLimits, congestedBytes: 10 };
      const net = fakeDriver(ts, server, { limits });
      ts.schedule(() => accept(server, socket, '{'), 1);
      // From 500 ms frames over the congestion mark are written, and never drain.
      for (const at of [500, 600, 3000])
        ts.schedule(() => net.send([1], { type: 'ping', t: at }), at);
      expectObservable(net.event$.pipe(map(brief)), '^ 9s !').toBe('1ms l 498ms c', {
        l: 'linkUp',
        c: 'congestion 1: true',
      });
      // What follows (stdin held, the link dropped at the stall bound) is the core's: see link-pressure.
      ts.schedule(() => expect(socket.destroyed).toBe(false), 8999);
    });
  });

  it('a link over the unsent bound is reported overfull, once; a congested link drains before it is down', () => {
    const ts = scheduler();
    ts.run(({ expectObservable }) => {
      const server = new FakeServer();
      const socket = new FakeSocket(40_004);
      const limits = { ...defaultLimits, congestedBytes: 10, maxUnsentBytes: 40 };
      const net = fakeDriver(ts, server, { limits });
      ts.schedule(() => accept(server, socket, '{'), 1);
      // Each ping is 22 bytes: 22 unsent is congested, 44 overfull, 66 is nothing new.
      for (const at of [10, 20, 30]) ts.schedule(() => net.send([1], { type: 'ping', t: 1 }), at);
      // The core's verdict, as the sink carries it out.
      ts.schedule(() => net.close(1, false), 40);
      expectObservable(net.event$.pipe(map(brief)), '^ 1s !').toBe('1ms l 8ms c 9ms o 19ms (fd)', {
        l: 'linkUp',
        c: 'congestion 1: true',
        o: 'overfull 1: 44 > 40',
        f: 'congestion 1: false',
        d: 'linkDown: connection closed',
      });
      ts.schedule(() => expect(socket.destroyed).toBe(true), 41);
    });
  });

  it('a link that drains is reported drained, and congested again at the next crossing', () => {
    const ts = scheduler();
    ts.run(({ expectObservable }) => {
      const server = new FakeServer();
      const socket = new FakeSocket(40_005);
      const net = fakeDriver(ts, server, { limits: { ...defaultLimits, congestedBytes: 10 } });
      ts.schedule(() => accept(server, socket, '{'), 1);
      ts.schedule(() => net.send([1], { type: 'ping', t: 1 }), 10);
      ts.schedule(() => {
        socket.writableLength = 0;
        socket.emit('drain');
      }, 20);
      ts.schedule(() => net.send([1], { type: 'ping', t: 1 }), 30);
      expectObservable(net.event$.pipe(map(brief)), '^ 1s !').toBe('1ms l 8ms c 9ms f 9ms c', {
        l: 'linkUp',
        c: 'congestion 1: true',
        f: 'congestion 1: false',
      });
    });
  });

  it.each(ROOMS)(
    '%s: over the per-address limit, the oldest from that address is closed for the new one',
    (_room, acceptor) => {
      const ts = scheduler();
      ts.run(({ expectObservable }) => {
        const server = new FakeServer();
        const net = fakeDriver(ts, server, {
          acceptor: acceptor(),
          limits: { ...defaultLimits, maxUnauthenticatedPerAddress: 2 },
        });
        const sockets = [1, 2, 3].map((i) => new FakeSocket(41_000 + i));
        const other = new FakeSocket(41_004, '10.0.0.9');
        sockets.forEach((socket, i) => {
          ts.schedule(() => server.emit('connection', socket), 10 + i);
        });
        ts.schedule(() => server.emit('connection', other), 13);
        // The third closes the first (its address had 2 waiting); another address closes nothing.
        expectObservable(net.event$.pipe(map(brief)), '^ 100ms !').toBe('12ms r', {
          r: 'refused: closed for a newer one: 2 connections from one address still without a handshake',
        });
        ts.schedule(
          () =>
            expect([...sockets, other].map((s) => s.destroyed)).toEqual([
              true,
              false,
              false,
              false,
            ]),
          50,
        );
      });
    },
  );

  it('over the limit in all, the oldest of the address with the most waiting is closed', () => {
    const ts = scheduler();
    ts.run(({ expectObservable }) => {
      const server = new FakeServer();
      const net = fakeDriver(ts, server, {
        limits: { ...defaultLimits, maxUnauthenticated: 4 },
      });
      // One from 10.0.0.1, then three from 10.0.0.2, then a fifth from 10.0.0.3.
      const sockets = ['10.0.0.1', '10.0.0.2', '10.0.0.2', '10.0.0.2', '10.0.0.3'].map(
        (address, i) => new FakeSocket(45_000 + i, address),
      );
      sockets.forEach((socket, i) => {
        ts.schedule(() => server.emit('connection', socket), 10 + i);
      });
      expectObservable(net.event$.pipe(map(brief)), '^ 100ms !').toBe('14ms r', {
        r: 'refused: closed for a newer one: 4 connections still without a handshake',
      });
      ts.schedule(
        () => expect(sockets.map((s) => s.destroyed)).toEqual([false, true, false, false, false]),
        50,
      );
    });
  });

  it('unsubscribing closes the server, destroys every socket and cancels the timers', () => {
    const ts = scheduler();
    ts.run(({ expectObservable }) => {
      const server = new FakeServer();
      const pending = new FakeSocket(40_003);
      const net = fakeDriver(ts, server, { acceptor: new FakeAcceptor() });
      ts.schedule(() => server.emit('connection', pending), 1);
      // Unsubscribed at 100 ms: no refusal at 5000 ms, the socket and the server are closed.
      expectObservable(net.event$.pipe(map(brief)), '^ 99ms !').toBe('');
      ts.schedule(() => {
        expect(server.closed).toBe(true);
        expect(pending.destroyed).toBe(true);
      }, 100);
    });
  });
});

describe('an accepted connection: the first byte decides', () => {
  it('an open room: no link before the first byte; `{` makes one, the byte read back and read again', () => {
    const ts = scheduler();
    ts.run(({ expectObservable }) => {
      const server = new FakeServer();
      const socket = new FakeSocket(42_001);
      const net = fakeDriver(ts, server);
      ts.schedule(() => accept(server, socket), 10);
      ts.schedule(() => socket.emit('data', Buffer.from('{"type":')), 300);
      expectObservable(net.event$.pipe(map(brief)), '^ 6s !').toBe('300ms l', { l: 'linkUp' });
      ts.schedule(() => {
        expect(socket.unshifted.map(String)).toEqual(['{"type":']);
        expect(socket.paused).toBe(false);
        expect(socket.destroyed).toBe(false);
      }, 301);
      // A link now: the edge's timeout is over, the hello is the core's to time.
      ts.schedule(() => expect(socket.destroyed).toBe(false), 5999);
    });
  });

  it.each([
    [
      'an open room',
      undefined,
      [0x16, 0x03, 0x01],
      'it spoke TLS, but this room is open (no secret)',
      'tlsInOpenRoom',
    ],
    [
      'an open room',
      undefined,
      'GET / HTTP/1.1\r\n',
      'its first byte 0x47 is neither rxchat nor TLS',
      'neither',
    ],
    [
      'a closed room',
      new FakeAcceptor(),
      '{"type":"hello"}\n',
      'it spoke in the clear, but this room is closed',
      'clearInClosedRoom',
    ],
    [
      'a closed room',
      new FakeAcceptor(),
      [0x00],
      'its first byte 0x00 is neither rxchat nor TLS',
      'neither',
    ],
  ] as const)(
    '%s: first bytes %j are refused at once: %s',
    (_room, acceptor, bytes, reason, group) => {
      const ts = scheduler();
      ts.run(({ expectObservable }) => {
        const server = new FakeServer();
        const socket = new FakeSocket(42_002);
        const net = fakeDriver(ts, server, { acceptor });
        const chunk = typeof bytes === 'string' ? bytes : Buffer.from(bytes);
        ts.schedule(() => accept(server, socket, chunk), 10);
        const refusal = (e: NodeEvent) =>
          e.kind === 'refused' ? `${e.reason} [${e.group}]` : e.kind;
        expectObservable(net.event$.pipe(map(refusal)), '^ 6s !').toBe('10ms r', {
          r: `${reason} [${group}]`,
        });
        ts.schedule(() => expect(socket.destroyed).toBe(true), 11);
        ts.schedule(() => expect(acceptor?.handed ?? []).toEqual([]), 11);
      });
    },
  );

  it('a closed room: a TLS handshake goes to the TLS acceptor; its secure socket is the link, its failure is refused as before', () => {
    const ts = scheduler();
    ts.run(({ expectObservable }) => {
      const server = new FakeServer();
      const acceptor = new FakeAcceptor();
      // Two connections, each a TCP socket and the TLS socket that wraps it (one address:port).
      const [raw, secure] = [new FakeSocket(43_001), new FakeSocket(43_001)];
      const [rawToo, secureToo] = [new FakeSocket(43_002), new FakeSocket(43_002)];
      const net = fakeDriver(ts, server, { acceptor });
      // As a TLS socket does: destroying it closes the TCP socket it wraps.
      secureToo.once('close', () => rawToo.destroy());
      const hello = Buffer.from([0x16, 0x03, 0x01, 0x00]);
      ts.schedule(() => accept(server, raw, hello), 10);
      ts.schedule(() => {
        expect(acceptor.handed).toEqual([raw]);
        expect(raw.unshifted).toEqual([hello]);
        expect(raw.paused).toBe(true);
      }, 11);
      ts.schedule(() => acceptor.emit('secureConnection', secure), 20);
      ts.schedule(() => accept(server, rawToo, hello), 30);
      const binder = Object.assign(new Error('binder'), { code: 'ERR_SSL_BINDER_DOES_NOT_VERIFY' });
      ts.schedule(() => acceptor.emit('tlsClientError', binder, secureToo), 40);
      expectObservable(net.event$.pipe(map(brief)), '^ 6s !').toBe('20ms l 19ms r', {
        l: 'linkUp',
        r: 'refused: it uses a different room secret',
      });
      ts.schedule(() => expect([secure.destroyed, secureToo.destroyed]).toEqual([false, true]), 41);
    });
  });

  it('a closed room: a TLS handshake not done in time is refused once, by the guard', () => {
    const ts = scheduler();
    ts.run(({ expectObservable }) => {
      const server = new FakeServer();
      const acceptor = new FakeAcceptor();
      const [raw, secure] = [new FakeSocket(43_003), new FakeSocket(43_003)];
      const net = fakeDriver(ts, server, { acceptor });
      ts.schedule(() => accept(server, raw, Buffer.from([0x16, 0x03])), 10);
      // Node's own timeout started at the first byte, after the guard's: it says nothing more.
      const timeout = Object.assign(new Error('timeout'), { code: 'ERR_TLS_HANDSHAKE_TIMEOUT' });
      ts.schedule(() => acceptor.emit('tlsClientError', timeout, secure), 5020);
      expectObservable(net.event$.pipe(map(brief)), '^ 6s !').toBe('5010ms r', {
        r: 'refused: no handshake within 5000 ms',
      });
      ts.schedule(() => expect([raw.destroyed, secure.destroyed]).toEqual([true, true]), 5021);
    });
  });

  it('a link counts as waiting until its handshake is done: then it is never closed for a newer one', () => {
    const ts = scheduler();
    ts.run(({ expectObservable }) => {
      const server = new FakeServer();
      const sockets = [1, 2, 3].map((i) => new FakeSocket(44_000 + i));
      const net = fakeDriver(ts, server, {
        limits: { ...defaultLimits, maxUnauthenticatedPerAddress: 1 },
      });
      // The first is a link in its handshake: the second closes it. The second is a member's
      // link (the core's `member` effect): the third closes nothing.
      ts.schedule(() => accept(server, sockets[0] as FakeSocket, '{'), 1);
      ts.schedule(() => accept(server, sockets[1] as FakeSocket, '{'), 2);
      ts.schedule(() => net.member(2), 3);
      ts.schedule(() => accept(server, sockets[2] as FakeSocket), 4);
      expectObservable(net.event$.pipe(map(brief)), '^ 100ms !').toBe('1ms l (rdl)', {
        l: 'linkUp',
        r: 'refused: closed for a newer one: 1 connections from one address still without a handshake',
        d: 'linkDown: connection closed',
      });
      ts.schedule(() => expect(sockets.map((s) => s.destroyed)).toEqual([true, false, false]), 50);
    });
  });
});
