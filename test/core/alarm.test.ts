import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { alarm, RETRY_MS } from '../../src/core/alarm.js';

function scheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe('the alarm: one timer, for the earliest deadline', () => {
  it('rings once at a deadline, and not for a later one told meanwhile', () => {
    const ts = scheduler();
    ts.run(({ hot, expectObservable }) => {
      // Told 100 at 0 ms and 300 at 50 ms: rings at 100 only.
      const deadline$ = hot<number | undefined>('a 49ms b', { a: 100, b: 300 });
      const ticks = alarm(deadline$, ts).pipe(map((tick) => tick.at));
      expectObservable(ticks, '^ 1s !').toBe('100ms t', { t: 100 });
    });
  });

  it('an earlier deadline replaces the timer; none told, nothing rings', () => {
    const ts = scheduler();
    ts.run(({ hot, expectObservable }) => {
      const deadline$ = hot<number | undefined>('a 9ms b 9ms c', { a: 500, b: 40, c: undefined });
      const ticks = alarm(deadline$, ts).pipe(map((tick) => tick.at));
      expectObservable(ticks, '^ 1s !').toBe('40ms t', { t: 40 });
    });
  });

  it('a deadline already due at the last tick is tried again RETRY_MS later, not at once', () => {
    const ts = scheduler();
    ts.run(({ hot, expectObservable }) => {
      // Rings at 100; told 100 again right after (a rule that could not act yet).
      const deadline$ = hot<number | undefined>('a 100ms b', { a: 100, b: 100 });
      const ticks = alarm(deadline$, ts).pipe(map((tick) => tick.at));
      expectObservable(ticks, '^ 1s !').toBe(`100ms t ${RETRY_MS - 1}ms u`, {
        t: 100,
        u: 100 + RETRY_MS,
      });
    });
  });
});
