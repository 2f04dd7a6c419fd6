import type { Subscription } from 'rxjs';
import { concat, map, NEVER, of, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { chatLoop } from '../../src/core/chat-loop.js';
import type { Effect } from '../../src/core/effect.js';
import type { LinkId, NodeEvent } from '../../src/core/event.js';
import { stallDue } from '../../src/core/link-pressure.js';
import type { NodeState } from '../../src/core/state.js';
import { initialState } from '../../src/core/state.js';
import { step } from '../../src/core/step.js';
import { warningText } from '../../src/render/warning-text.js';
import { fold, joined, testConfig } from '../helpers/core-fixtures.js';

const BOB = 'bb00000000000000';
const CAROL = 'cc00000000000000';

/** A quiet room (no silence verdicts in the way) where a link stalls after 2 s. */
const config = testConfig({ stallMs: 2000, peerTimeoutMs: 60_000 });

const congestion = (link: LinkId, congested: boolean, at: number): NodeEvent => ({
  kind: 'congestion',
  at,
  link,
  congested,
});

/** The effects about link pressure: stdin held or released, links closed, and the warnings. */
function verdicts(effects: readonly Effect[]): string[] {
  return effects.flatMap((effect) => {
    switch (effect.kind) {
      case 'holdInput':
        return [`holdInput ${effect.held}`];
      case 'close':
        return [`close ${effect.link}${effect.graceful ? ' graceful' : ''}`];
      case 'warn':
        return [`warn ${warningText(effect.warning)}`];
      case 'emit':
        return effect.event.event === 'leave' ? [`leave ${effect.event.reason}`] : [];
      default:
        return [];
    }
  });
}

function run(state: NodeState, event: NodeEvent): { state: NodeState; verdicts: string[] } {
  const result = step(state, event);
  return { state: result.state, verdicts: verdicts(result.effects) };
}

describe('link pressure: the core decides what a link that cannot keep up means', () => {
  it('a link congested for the stall bound is closed at exactly that time, its member lost', () => {
    const { state } = fold(joined(1, BOB, 'bob'), config);
    const congested = run(state, congestion(1, true, 100));
    expect(congested.verdicts).toEqual(['holdInput true']);
    expect(stallDue(congested.state)).toBe(2100);
    expect(run(congested.state, { kind: 'tick', at: 2099 }).verdicts).toEqual([]);
    const stalled = run(congested.state, { kind: 'tick', at: 2100 });
    expect(stalled.verdicts).toEqual([
      'warn bob (127.0.0.1:50001) lost: it stopped reading: nothing drained for 2000 ms',
      'close 1',
    ]);
    // Closed once: a later tick leaves it alone, and the stall is no deadline any more.
    expect(stallDue(stalled.state)).toBeUndefined();
    expect(run(stalled.state, { kind: 'tick', at: 3000 }).verdicts).toEqual([]);
    // The edge reports its drain just before its linkDown: stdin goes on, the member is lost.
    const drained = run(stalled.state, congestion(1, false, 2101));
    expect(drained.verdicts).toEqual(['holdInput false']);
    const down = run(drained.state, {
      kind: 'linkDown',
      at: 2101,
      link: 1,
      reason: 'connection closed',
    });
    expect(down.verdicts).toEqual(['leave lost']);
  });

  it('a link that drains in time is not closed', () => {
    const { state } = fold([...joined(1, BOB, 'bob'), congestion(1, true, 100)], config);
    const drained = run(state, congestion(1, false, 2099));
    expect(drained.verdicts).toEqual(['holdInput false']);
    expect(stallDue(drained.state)).toBeUndefined();
    expect(run(drained.state, { kind: 'tick', at: 2100 }).verdicts).toEqual([]);
  });

  it('a link over the unsent bound is closed at once, with the bound in the warning', () => {
    const { state } = fold([...joined(1, BOB, 'bob'), congestion(1, true, 100)], config);
    const overfull = run(state, {
      kind: 'overfull',
      at: 150,
      link: 1,
      unsentBytes: 16_777_300,
      limitBytes: 16_777_216,
    });
    expect(overfull.verdicts).toEqual([
      'warn bob (127.0.0.1:50001) lost: it stopped reading: over 16777216 bytes unsent',
      'close 1',
    ]);
    // Closing already: neither the stall bound nor a second report closes it again.
    expect(run(overfull.state, { kind: 'tick', at: 2100 }).verdicts).toEqual([]);
    expect(
      run(overfull.state, { kind: 'overfull', at: 160, link: 1, unsentBytes: 1, limitBytes: 1 })
        .verdicts,
    ).toEqual([]);
  });

  it('stdin is held while any link is congested, and released when all drained', () => {
    const { state } = fold([...joined(1, BOB, 'bob'), ...joined(2, CAROL, 'carol')], config);
    const steps: [NodeEvent, string[]][] = [
      [congestion(1, true, 10), ['holdInput true']],
      [congestion(2, true, 20), []],
      [congestion(1, false, 30), []],
      [congestion(1, true, 40), []],
      [congestion(2, false, 50), []],
      [congestion(1, false, 60), ['holdInput false']],
    ];
    let current = state;
    for (const [event, expected] of steps) {
      const result = run(current, event);
      expect(result.verdicts, `${event.kind} at ${event.at}`).toEqual(expected);
      current = result.state;
    }
  });

  it('a congested link that another rule dropped releases stdin at its drain', () => {
    const { state } = fold([...joined(1, BOB, 'bob'), congestion(1, true, 10)], config);
    // Gone from the table (as a silence verdict leaves it) while congested.
    const gone: NodeState = { ...state, links: new Map() };
    expect(run(gone, congestion(1, false, 20)).verdicts).toEqual(['holdInput false']);
  });

  it('the alarm wakes the core at the stall bound: the close comes at exactly 2100 ms', () => {
    const ts = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const closes: number[] = [];
    ts.run(() => {
      const event$ = concat(
        of(...joined(1, BOB, 'bob')),
        timer(100, ts).pipe(map(() => congestion(1, true, ts.now()))),
        NEVER,
      );
      const subscription: Subscription = event$
        .pipe(chatLoop(initialState(config), ts, ts))
        .subscribe((effects) => {
          if (effects.some((effect) => effect.kind === 'close')) closes.push(ts.now());
        });
      ts.schedule(() => subscription.unsubscribe(), 5000);
    });
    expect(closes).toEqual([2100]);
  });
});
