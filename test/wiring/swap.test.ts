import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { MemoryNode } from '../helpers/memory-net.js';
import { MemoryRoom, memberConfig } from '../helpers/memory-net.js';
import { withoutRealIo } from '../helpers/no-real-io.js';

/**
 * A duplicate link replaced while lines are typed. Two members dial each
 * other at once; the link the smaller id dialled is kept. It is slow (50 ms
 * each way), the other fast (1 ms): both first link over the fast one, then
 * the slow one completes at the smaller id first, which says `bye duplicate`
 * on the fast link. That reaches the larger id about 25 ms before its own
 * side of the slow link checks out: for those 25 ms it has no link to the
 * member, while it types a line every 2 ms.
 */

const SMALL = '1000000000000000';
const LARGE = '2000000000000000';
const SLOW_MS = 50;

function linesOf(node: MemoryNode, from: string): string[] {
  return node.events.flatMap((e) => (e.event === 'message' && e.from === from ? [e.text] : []));
}

describe('a duplicate-link swap, in memory with the fake drivers', () => {
  it('every line typed during the swap reaches the member exactly once, in order', () => {
    const ts = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const typed = Array.from({ length: 150 }, (_, i) => `line ${i}`);
    const room = withoutRealIo(() =>
      ts.run(() => {
        const net = new MemoryRoom(ts);
        // Each names the other: both dial at once (ports 9001 and 9002, in start order).
        net.slowDials('127.0.0.1:9001', SLOW_MS);
        const small = net.start('small', memberConfig(SMALL, 'small', ['127.0.0.1:9002']));
        const large = net.start('large', memberConfig(LARGE, 'large', ['127.0.0.1:9001']));
        for (const [i, line] of typed.entries()) {
          ts.schedule(() => {
            small.type(`small ${line}`);
            large.type(`large ${line}`);
          }, 2 * i);
        }
        ts.schedule(() => {
          small.endInput();
          large.endInput();
        }, 2000);
        ts.flush();
        return { small, large };
      }),
    );
    const { small, large } = room;
    // The swap happened while lines were typed: the larger id was told its link was a duplicate.
    const swapAt = large.byes.find((bye) => bye.reason === 'duplicate')?.at;
    expect(swapAt).toBeGreaterThan(SLOW_MS);
    expect(swapAt).toBeLessThan(2 * typed.length);
    expect(small.byes.filter((bye) => bye.reason === 'duplicate')).toEqual([]);
    expect(linesOf(small, 'large')).toEqual(typed.map((line) => `large ${line}`));
    expect(linesOf(large, 'small')).toEqual(typed.map((line) => `small ${line}`));
    expect(small.exitCode).toBe(0);
    expect(large.exitCode).toBe(0);
  });
});
