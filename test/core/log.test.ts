import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Logged } from '../../src/core/log.js';
import { appendLog, EMPTY_LOG, LOG_CHUNK, logFloor, logMessages } from '../../src/core/log.js';
import type { ChatFrame } from '../../src/protocol/frames.js';

const frame = {} as ChatFrame;

function message(seq: number, stream = 's.1'): Logged {
  return {
    stream,
    seq,
    deps: {},
    origin: 's',
    inc: '1',
    name: 'ann',
    text: `line ${seq}`,
    time: '2026-01-01T00:00:00.000Z',
    history: false,
    action: false,
    frame,
  };
}

const seqs = (messages: readonly Logged[]): number[] => messages.map((m) => m.seq);

describe('the log', () => {
  it('keeps the newest `limit` messages, oldest first, across chunks', () => {
    let log = EMPTY_LOG;
    for (let seq = 1; seq <= 3 * LOG_CHUNK + 5; seq++) log = appendLog(log, [message(seq)], 100);
    expect(log.length).toBe(100);
    expect(seqs(logMessages(log))).toEqual(
      Array.from({ length: 100 }, (_, i) => 3 * LOG_CHUNK + 5 - 99 + i),
    );
  });

  it('never changes a log it appended to (copy on write)', () => {
    const first = appendLog(EMPTY_LOG, [message(1), message(2)], 10);
    const second = appendLog(first, [message(3)], 10);
    const third = appendLog(first, [message(4)], 10);
    expect(seqs(logMessages(first))).toEqual([1, 2]);
    expect(seqs(logMessages(second))).toEqual([1, 2, 3]);
    expect(seqs(logMessages(third))).toEqual([1, 2, 4]);
  });

  it('copies a chunk at most, not the whole log, to append one message', () => {
    let log = EMPTY_LOG;
    for (let seq = 1; seq <= 1000; seq++) log = appendLog(log, [message(seq)], 1000);
    const next = appendLog(log, [message(1001)], 1000);
    // All but the first (trimmed) and the last (appended to) chunk are the same arrays.
    const shared = next.chunks.filter((chunk) => log.chunks.includes(chunk));
    expect(shared.length).toBeGreaterThanOrEqual(next.chunks.length - 2);
    expect(next.chunks.every((chunk) => chunk.length <= LOG_CHUNK)).toBe(true);
  });

  it('keeps nothing with a limit of 0', () => {
    expect(appendLog(EMPTY_LOG, [message(1)], 0).length).toBe(0);
    expect(logMessages(appendLog(EMPTY_LOG, [message(1)], 0))).toEqual([]);
  });

  it('holds what an array keeping the newest `limit` holds (any appends, any limit)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 300 }),
        fc.array(fc.integer({ min: 0, max: 150 }), { maxLength: 30 }),
        (limit, sizes) => {
          let log = EMPTY_LOG;
          let model: Logged[] = [];
          let seq = 0;
          for (const size of sizes) {
            const added = Array.from({ length: size }, () => message(++seq));
            log = appendLog(log, added, limit);
            model = [...model, ...added].slice(Math.max(0, model.length + size - limit));
          }
          expect(seqs(logMessages(log))).toEqual(seqs(model));
          expect(log.length).toBe(model.length);
        },
      ),
    );
  });

  it('knows the oldest message it can still resend of each stream', () => {
    const log = appendLog(EMPTY_LOG, [message(5), message(6), message(3, 't.1')], 10);
    expect(
      logFloor(
        log,
        new Map([
          ['s.1', 6],
          ['t.1', 3],
          ['u.1', 2],
        ]),
      ),
    ).toEqual({ 's.1': 4, 't.1': 2, 'u.1': 2 });
  });
});
