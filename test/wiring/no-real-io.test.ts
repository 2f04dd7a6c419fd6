import net from 'node:net';
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { withoutRealIo } from '../helpers/no-real-io.js';

describe('the virtual-time guard', () => {
  const stream = new PassThrough();
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  const uses: [string, () => unknown][] = [
    ['setTimeout', () => setTimeout(() => {}, 1)],
    ['setInterval', () => setInterval(() => {}, 1)],
    ['setImmediate', () => setImmediate(() => {})],
    ['queueMicrotask', () => queueMicrotask(() => {})],
    ['process.nextTick', () => process.nextTick(() => {})],
    ['new Promise', () => new Promise<void>((resolve) => resolve())],
    ['Promise.then', () => Promise.resolve(1).then(() => {})],
    ['net.connect', () => net.connect({ host: '127.0.0.1', port: 1 })],
    ['net.createServer', () => net.createServer()],
    ['Readable.on', () => stream.on('data', () => {})],
    ['Writable.write', () => sink.write('x')],
  ];
  for (const [what, use] of uses) {
    it(`fails a run that uses ${what}`, () => {
      expect(() =>
        withoutRealIo(() => {
          try {
            use();
          } catch {
            // The guard throws where it is used; code may swallow that, the run still fails.
          }
        }),
      ).toThrow(what);
    });
  }

  it('lets a run without them through', () => {
    expect(withoutRealIo(() => 42)).toBe(42);
  });
});
