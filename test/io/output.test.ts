import { PassThrough } from 'node:stream';
import { asyncScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { makeOutput } from '../../src/io/output.js';
import { plainStyle } from '../../src/render/style.js';

const message = (i: number) => ({
  event: 'message' as const,
  from: 'bob',
  origin: 'b0',
  id: `b0.1:${i}`,
  text: 'x'.repeat(1000),
  time: '2026-11-27T12:00:00.000Z',
  history: false,
  action: false,
});

describe('stdout backlog', () => {
  it('says when stdout holds more than the mark unwritten, and again once it drained', async () => {
    // A reader that does not read yet: what is written stays queued.
    const stdout = new PassThrough({ highWaterMark: 1024 });
    const output = makeOutput({
      stdout,
      stderr: new PassThrough(),
      json: true,
      style: plainStyle,
      quiet: false,
      scheduler: asyncScheduler,
      warningWindowMs: 1000,
      backlogBytes: 64 * 1024,
    });
    const told: boolean[] = [];
    let drained = (): void => {};
    output.event$.subscribe((event) => {
      if (event.kind !== 'readingHeld') return;
      told.push(event.held);
      if (!event.held) drained();
    });
    for (let i = 0; i < 40; i++) output.emit(message(i));
    await Promise.resolve();
    expect(told).toEqual([]);
    for (let i = 0; i < 40; i++) output.emit(message(i));
    await Promise.resolve();
    expect(told).toEqual([true]);
    const caughtUp = new Promise<void>((resolve) => {
      drained = resolve;
    });
    stdout.resume();
    await caughtUp;
    expect(told).toEqual([true, false]);
    expect(stdout.writableLength).toBe(0);
  });
});
