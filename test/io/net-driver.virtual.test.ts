import { EventEmitter } from 'node:events';
import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { NodeEvent } from '../../src/core/event.js';
import type { LinkLimits } from '../../src/io/net-driver.js';
import { defaultLimits, makeNetDriver } from '../../src/io/net-driver.js';
import type { LinkSocket, Transport } from '../../src/io/transport.js';

/** A socket that never talks by itself: the test says when it connects, and it never drains. */
class FakeSocket extends EventEmitter implements LinkSocket {
  readonly remoteAddress = '127.0.0.1';
  writable = true;
  writableLength = 0;
  destroyed = false;
  constructor(readonly remotePort: number) {
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
    return this;
  }
  resume(): this {
    return this;
  }
}

class FakeServer extends EventEmitter {
  closed = false;
  close(): this {
    this.closed = true;
    return this;
  }
}

function fakeTransport(closedRoom: boolean, dialled: FakeSocket): Transport {
  return {
    closedRoom,
    createServer: () => {
      throw new Error('not used');
    },
    readyEvent: closedRoom ? 'secureConnection' : 'connection',
    connect: () => dialled,
    connectEvent: closedRoom ? 'secureConnect' : 'connect',
  };
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
  options: { closedRoom?: boolean; connectTimeoutMs?: number; limits?: LinkLimits } = {},
  dialled = new FakeSocket(1),
) {
  return makeNetDriver({
    server,
    transport: fakeTransport(options.closedRoom ?? false, dialled),
    scheduler: ts,
    connectTimeoutMs: options.connectTimeoutMs ?? 5000,
    limits: options.limits ?? defaultLimits,
    nonce: () => 'n',
  });
}

describe('the network edge in virtual time', () => {
  it('a connection that never finishes TLS is refused at the handshake timeout', () => {
    const ts = scheduler();
    ts.run(({ expectObservable }) => {
      const server = new FakeServer();
      const socket = new FakeSocket(40_001);
      const net = fakeDriver(ts, server, { closedRoom: true });
      ts.schedule(() => server.emit('connection', socket), 10);
      expectObservable(net.event$.pipe(map(brief)), '^ 6s !').toBe('5010ms r', {
        r: 'refused: no handshake within 5000 ms',
      });
      ts.schedule(() => expect(socket.destroyed).toBe(false), 5009);
      ts.schedule(() => expect(socket.destroyed).toBe(true), 5011);
    });
  });

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
      ts.schedule(() => server.emit('connection', socket), 1);
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
      ts.schedule(() => server.emit('connection', socket), 1);
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
      ts.schedule(() => server.emit('connection', socket), 1);
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

  it('refuses connections over the per-address limit before they become links', () => {
    const ts = scheduler();
    ts.run(({ expectObservable }) => {
      const server = new FakeServer();
      const net = fakeDriver(ts, server, {
        closedRoom: true,
        limits: { ...defaultLimits, maxUnauthenticatedPerAddress: 2 },
      });
      const sockets = [1, 2, 3].map((i) => new FakeSocket(41_000 + i));
      sockets.forEach((socket, i) => {
        ts.schedule(() => server.emit('connection', socket), 10 + i);
      });
      // The first two wait for their TLS (and are refused at the timeout); the third at once.
      expectObservable(net.event$.pipe(map(brief)), '^ 100ms !').toBe('12ms r', {
        r: 'refused: over 2 connections from one address still without a handshake',
      });
      ts.schedule(() => expect(sockets.map((s) => s.destroyed)).toEqual([false, false, true]), 50);
    });
  });

  it('unsubscribing closes the server, destroys every socket and cancels the timers', () => {
    const ts = scheduler();
    ts.run(({ expectObservable }) => {
      const server = new FakeServer();
      const pending = new FakeSocket(40_003);
      const net = fakeDriver(ts, server, { closedRoom: true });
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
