import type { SchedulerAction, SchedulerLike, Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { OutputEvent } from '../../src/core/output-event.js';
import type { MemoryNode } from '../helpers/memory-net.js';
import { MemoryRoom, memberConfig } from '../helpers/memory-net.js';
import { withoutRealIo } from '../helpers/no-real-io.js';

const ALICE = 'a100000000000000';
const BOB = 'b200000000000000';
const CAROL = 'c300000000000000';

function scheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

/** What a node showed, as short strings: `join bob`, `bob: hi`, `leave bob lost`. */
function shown(node: MemoryNode): string[] {
  return node.events.flatMap((event: OutputEvent) => {
    switch (event.event) {
      case 'join':
        return [`join ${event.user}`];
      case 'leave':
        return [`leave ${event.user} ${event.reason}`];
      case 'message':
        return [`${event.from}: ${event.text}`];
      default:
        return [];
    }
  });
}

/** Alice and carol running; bob's runNode$ prepared (dialling alice), for a marble test of it. */
function aliceCarolAndBob(ts: TestScheduler) {
  ts.maxFrames = 60_000;
  const room = new MemoryRoom(ts);
  const alice = room.start('alice', memberConfig(ALICE, 'alice'));
  const carol = room.start('carol', memberConfig(CAROL, 'carol', [alice.address]));
  const bob = room.prepare('bob', memberConfig(BOB, 'bob', [alice.address]));
  return { alice, carol, bob };
}

describe('runNode$ with fake drivers, in virtual time', () => {
  it('stdin completes: bye on each link, then the output emits 0 and completes', () => {
    const ts = scheduler();
    withoutRealIo(() =>
      ts.run(({ expectObservable }) => {
        const { alice, carol, bob } = aliceCarolAndBob(ts);
        // Bob links with alice (and through her with carol), says hi at 100 ms, stdin ends at 200 ms.
        ts.schedule(() => bob.node.type('hi'), 100);
        ts.schedule(() => bob.node.endInput(), 200);
        ts.schedule(() => {
          alice.endInput();
          carol.endInput();
        }, 300);
        // At 200 ms bob asks for confirmation (1 ms there, 1 ms back), says bye at 202 ms; both
        // links are down at 203 ms: the output emits 0 and completes then.
        expectObservable(bob.run$).toBe('203ms (x|)', { x: 0 });
        ts.flush();
        for (const other of [alice, carol]) {
          expect(shown(other)).toContain('bob: hi');
          expect(shown(other)).toContain('leave bob quit');
        }
        // Links end without a loss: nobody showed bob lost.
        expect([...shown(alice), ...shown(carol)]).not.toContain('leave bob lost');
      }),
    );
  });

  it('with an unconfirmed member it emits 3, after the linger', () => {
    const ts = scheduler();
    withoutRealIo(() =>
      ts.run(({ expectObservable }) => {
        const { alice, carol, bob } = aliceCarolAndBob(ts);
        // Bob's line goes out at 100 ms; carol crashes at 150 ms, before she confirmed it.
        ts.schedule(() => bob.node.type('hi'), 100);
        ts.schedule(() => carol.crash(), 150);
        ts.schedule(() => bob.node.endInput(), 200);
        ts.schedule(() => alice.endInput(), 6000);
        // Linger 5000 ms from 200 ms; bye at 5200, links down at 5201.
        expectObservable(bob.run$).toBe('5201ms (x|)', { x: 3 });
        ts.flush();
        expect(bob.node.warnings.join('\n')).toMatch(/not confirmed within 5000 ms by: carol/);
        expect(shown(alice)).toContain('bob: hi');
      }),
    );
  });

  it('a member lost before a line was sent does not owe it: exit 0 at once', () => {
    const ts = scheduler();
    withoutRealIo(() =>
      ts.run(({ expectObservable }) => {
        const { alice, carol, bob } = aliceCarolAndBob(ts);
        // Carol crashes at 50 ms (bob shows her lost at 51); bob's line goes out at 100 ms.
        ts.schedule(() => carol.crash(), 50);
        ts.schedule(() => bob.node.type('hi'), 100);
        ts.schedule(() => bob.node.endInput(), 200);
        ts.schedule(() => alice.endInput(), 300);
        // Alice confirms at 202 ms; bye then, links down at 203 ms: no linger for carol.
        expectObservable(bob.run$).toBe('203ms (x|)', { x: 0 });
        ts.flush();
        // Only carol's loss is told; nothing about confirmations.
        expect(bob.node.warnings).toEqual(['carol (127.0.0.1:9002) lost: connection reset']);
      }),
    );
  });

  it('three nodes: join, chat, a crash and a rejoin, in virtual time', () => {
    const ts = scheduler();
    const wall = performance.now();
    let virtualMs = 0;
    withoutRealIo(() =>
      ts.run(() => {
        ts.maxFrames = 60_000;
        const room = new MemoryRoom(ts);
        const alice = room.start('alice', memberConfig(ALICE, 'alice'));
        const bob = room.start('bob', memberConfig(BOB, 'bob', [alice.address]));
        const carol = room.start('carol', memberConfig(CAROL, 'carol', [alice.address]));
        ts.schedule(() => alice.type('hello all'), 100);
        ts.schedule(() => carol.type('hi alice'), 200);
        // Carol dies without a goodbye at 1 s; she comes back (a new incarnation, the same
        // address) at 8 s through bob; alice redials her there.
        ts.schedule(() => carol.crash(), 1000);
        let carol2: MemoryNode | undefined;
        ts.schedule(() => {
          carol2 = room.start(
            'carol',
            memberConfig(CAROL, 'carol', [bob.address], { incarnation: '2' }),
            { address: carol.address },
          );
        }, 8000);
        ts.schedule(() => carol2?.type('back again'), 9500);
        ts.schedule(() => {
          for (const node of [alice, bob, carol2]) node?.endInput();
        }, 10_000);
        ts.flush();
        // Bob is dialled by the new carol; alice redials her (backoff 250 ms doubling, from 1 s).
        for (const node of [alice, bob]) {
          expect(
            shown(node).filter(
              (line) => !line.startsWith('leave alice') && !line.startsWith('leave bob'),
            ),
          ).toEqual([
            node === alice ? 'join bob' : 'join alice',
            'join carol',
            ...(node === alice ? [] : ['alice: hello all']),
            'carol: hi alice',
            'leave carol lost',
            'join carol',
            'carol: back again',
          ]);
        }
        expect(shown(bob)).toContain('alice: hello all');
        expect(shown(carol)).toContain('alice: hello all');
        // Everyone left and exited 0, the stream completed (nothing was left running).
        for (const node of [alice, bob, carol2]) {
          expect(node?.exitCode).toBe(0);
          expect(node?.completed).toBe(true);
        }
        // Nothing ran after the last node completed but the fake network delivering the last
        // link ends (1 ms): no timer outlived the node that set it.
        const lastCompleted = Math.max(...[alice, bob, carol2].map((n) => n?.completedAt ?? 0));
        expect(ts.actions).toHaveLength(0);
        expect(ts.now() - lastCompleted).toBeLessThanOrEqual(1);
        virtualMs = ts.now();
        expect(virtualMs).toBeGreaterThan(10_000);
      }),
    );
    // Over 10 s of virtual time; the wall time is printed, not judged (speed is the benchmark's).
    console.info(
      `three nodes, ${Math.round(virtualMs / 1000)} s of virtual time: ${Math.round(performance.now() - wall)} ms wall`,
    );
  });

  it('an idle linked node wakes only for its pings: 10 wake-ups in 10 s', () => {
    const ts = scheduler();
    const wakes: number[] = [];
    withoutRealIo(() =>
      ts.run(() => {
        ts.maxFrames = 60_000;
        const room = new MemoryRoom(ts);
        const alice = room.start('alice', memberConfig(ALICE, 'alice'), {
          scheduler: counting(ts, (at) => wakes.push(at)),
        });
        const bob = room.start('bob', memberConfig(BOB, 'bob', [alice.address]));
        ts.schedule(() => bob.endInput(), 12_000);
        ts.schedule(() => alice.endInput(), 12_100);
        ts.flush();
        expect(shown(alice)).toEqual(['join bob', 'leave bob quit']);
      }),
    );
    // Linked within the first 10 ms; nothing is said. From 1 s to 11 s (a ping interval of
    // 1000 ms): one wake-up per interval, each on the ping's time. A 50 ms tick would be 200.
    const idle = wakes.filter((at) => at >= 1000 && at < 11_000);
    expect(idle).toHaveLength(10);
    for (const [i, at] of idle.entries()) if (i > 0) expect(at - (idle[i - 1] ?? 0)).toBe(1000);
  });
});

/** `inner`, telling `onRun` the time each scheduled action runs: the node's wake-ups. */
function counting(inner: SchedulerLike, onRun: (at: number) => void): SchedulerLike {
  return {
    now: () => inner.now(),
    schedule<T>(
      work: (this: SchedulerAction<T>, state?: T) => void,
      delay?: number,
      state?: T,
    ): Subscription {
      return inner.schedule<T>(
        function countedWork(this: SchedulerAction<T>, value?: T) {
          onRun(inner.now());
          work.call(this, value);
        },
        delay,
        state,
      );
    },
  };
}
