import { EventEmitter } from 'node:events';
import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { NodeEvent } from '../../src/core/event.js';
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
      return `congestion: ${event.congested}`;
    default:
      return event.kind;
  }
}

describe('the network edge in virtual time', () => {
  it('a connection that never finishes TLS is refused at the handshake timeout', () => {
    const ts = scheduler();
    ts.run(({ expectObservable }) => {
      const server = new FakeServer();
      const socket = new FakeSocket(40_001);
      const net = makeNetDriver({
        server,
        transport: fakeTransport(true, new FakeSocket(1)),
        scheduler: ts,
        connectTimeoutMs: 5000,
        limits: defaultLimits,
      });
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
      const net = makeNetDriver({
        server: new FakeServer(),
        transport: fakeTransport(false, dialled),
        scheduler: ts,
        connectTimeoutMs: 3000,
        limits: defaultLimits,
      });
      ts.schedule(() => net.dial('127.0.0.1:9100', { kind: 'initial' }), 100);
      expectObservable(net.event$.pipe(map(brief)), '^ 5s !').toBe('3100ms f', {
        f: 'dialFailed: no answer within 3000 ms',
      });
    });
  });

  it('a link that stays congested is dropped at the stall limit; stdin is held meanwhile', () => {
    const ts = scheduler();
    ts.run(({ expectObservable }) => {
      const server = new FakeServer();
      const socket = new FakeSocket(40_002);
      const limits = { ...defaultLimits, congestedBytes: 10, stallMs: 2000 };
      const net = makeNetDriver({
        server,
        transport: fakeTransport(false, new FakeSocket(1)),
        scheduler: ts,
        connectTimeoutMs: 5000,
        limits,
        nonce: () => 'n',
      });
      ts.schedule(() => server.emit('connection', socket), 1);
      // At 500 ms a frame over the congestion mark is written, and never drains.
      ts.schedule(() => net.send([1], { type: 'ping', t: 1 }), 500);
      expectObservable(net.event$.pipe(map(brief)), '^ 4s !').toBe('1ms l 498ms c 1999ms (df)', {
        l: 'linkUp',
        c: 'congestion: true',
        f: 'congestion: false',
        d: 'linkDown: it stopped reading: nothing drained for 2000 ms',
      });
    });
  });

  it('unsubscribing closes the server, destroys every socket and cancels the timers', () => {
    const ts = scheduler();
    ts.run(({ expectObservable }) => {
      const server = new FakeServer();
      const pending = new FakeSocket(40_003);
      const net = makeNetDriver({
        server,
        transport: fakeTransport(true, new FakeSocket(1)),
        scheduler: ts,
        connectTimeoutMs: 5000,
        limits: defaultLimits,
      });
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
