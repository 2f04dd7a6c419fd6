import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { coalesceRepeats } from '../../src/render/coalesce-repeats.js';

describe('coalesceRepeats (marbles)', () => {
  it('prints the first of a burst at once and the count at the end of the window', () => {
    const ts = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    ts.run(({ hot, expectObservable }) => {
      const warnings = hot('a-a-a-b 95ms a', {
        a: { text: 'junk from x', key: 'x' },
        b: { text: 'other' },
      });
      expectObservable(warnings.pipe(coalesceRepeats(100))).toBe('a-----b 93ms c-a', {
        a: 'junk from x',
        b: 'other',
        c: 'junk from x (and 2 more like it)',
      });
    });
  });

  it('a lone warning prints once, with no count', () => {
    const ts = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    ts.run(({ hot, expectObservable }) => {
      expectObservable(
        hot('a', { a: { text: 'once' } }).pipe(coalesceRepeats(100)),
        '^ 500ms !',
      ).toBe('a', { a: 'once' });
    });
  });
});
