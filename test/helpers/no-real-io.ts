import net from 'node:net';
import { Readable, Writable } from 'node:stream';
import { vi } from 'vitest';

/**
 * Runs `body` with every way out of virtual time forbidden: real timers,
 * microtasks, promises, sockets and Node streams. Each use is recorded (and
 * throws where it happens); afterwards the test fails naming them.
 */
export function withoutRealIo<T>(body: () => T): T {
  const used: string[] = [];
  let armed = true;
  const forbid = (what: string) => (): never => {
    if (!armed) throw new Error(`${what} called while its guard is being removed`);
    used.push(what);
    throw new Error(`${what} used in a virtual-time run`);
  };
  const spies: { mockRestore(): void }[] = [];
  const install = (): void => {
    spies.push(
      vi.spyOn(globalThis, 'setTimeout').mockImplementation(forbid('setTimeout')),
      vi.spyOn(globalThis, 'setInterval').mockImplementation(forbid('setInterval')),
      vi.spyOn(globalThis, 'setImmediate').mockImplementation(forbid('setImmediate')),
      vi.spyOn(globalThis, 'queueMicrotask').mockImplementation(forbid('queueMicrotask')),
      vi.spyOn(process, 'nextTick').mockImplementation(forbid('process.nextTick')),
      vi.spyOn(Promise.prototype, 'then').mockImplementation(forbid('Promise.then')),
      vi.spyOn(net, 'connect').mockImplementation(forbid('net.connect')),
      vi.spyOn(net, 'createServer').mockImplementation(forbid('net.createServer')),
      vi.spyOn(net.Socket.prototype, 'write').mockImplementation(forbid('socket.write')),
      vi.spyOn(Readable.prototype, 'on').mockImplementation(forbid('Readable.on')),
      vi.spyOn(Writable.prototype, 'write').mockImplementation(forbid('Writable.write')),
    );
  };
  // `new Promise` (and every promise a promise makes) is counted through a stand-in class.
  const RealPromise = globalThis.Promise;
  class WatchedPromise<V> extends RealPromise<V> {
    constructor(
      executor: (
        resolve: (value: V | PromiseLike<V>) => void,
        reject: (reason?: unknown) => void,
      ) => void,
    ) {
      if (armed) used.push('new Promise');
      super(executor);
    }
  }
  let result: T;
  try {
    install();
    globalThis.Promise = WatchedPromise;
    result = body();
  } finally {
    globalThis.Promise = RealPromise;
    armed = false;
    for (const spy of spies.reverse()) spy.mockRestore();
  }
  if (used.length > 0) throw new Error(`real I/O in a virtual-time run: ${used.join(', ')}`);
  return result;
}
