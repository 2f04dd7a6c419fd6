import { describe, expect, it } from 'vitest';
import type { Effect } from '../../src/core/effect.js';
import type { NodeEvent } from '../../src/core/event.js';
import { chatFrom, fold, frameEvent, joined } from '../helpers/core-fixtures.js';

const BOB = 'bb00000000000000';

const pulls = (effects: readonly Effect[]): number =>
  effects.filter((e) => e.kind === 'send' && e.frame.type === 'have').length;

describe('the digest in pings and pongs', () => {
  const linked = joined(1, BOB, 'bob');
  // The `have` of the link-up itself.
  const atLinkUp = pulls(fold(linked).effects);
  const pong = (sum: number, at: number): NodeEvent =>
    frameEvent(1, { type: 'pong', t: 0, sum }, at);

  it('a member ahead while this node makes no progress is asked, once per sum it announces', () => {
    const { effects } = fold([
      ...linked,
      pong(5, 1000),
      // Still behind, no progress since the last comparison: ask.
      pong(5, 2000),
      // The same sum again: asked already.
      pong(5, 3000),
      // It moved on, this node did not: ask again.
      pong(7, 4000),
    ]);
    expect(pulls(effects) - atLinkUp).toBe(2);
  });

  it('sums that go up and down do not make it ask again: only a higher one, once per ping interval', () => {
    const alternating = Array.from({ length: 100 }, (_, i) => pong(100 + (i % 2), 1000 * (i + 1)));
    const { effects } = fold([...linked, ...alternating]);
    expect(pulls(effects) - atLinkUp).toBe(1);
    const rising = Array.from({ length: 10 }, (_, i) => pong(100 + i, 1000 + 100 * i));
    // Every 100 ms a higher sum: asked at most once per 1000 ms ping interval.
    expect(pulls(fold([...linked, ...rising]).effects) - atLinkUp).toBe(1);
  });

  it('a node that is making progress, or not behind, does not ask', () => {
    const progressing = fold([
      ...linked,
      pong(5, 1000),
      frameEvent(1, chatFrom(BOB, 'bob', ['b1']), 1500),
      pong(5, 2000),
    ]);
    expect(pulls(progressing.effects) - atLinkUp).toBe(0);
    const level = fold([
      ...linked,
      frameEvent(1, { type: 'ping', t: 0, sum: 0 }, 1000),
      pong(0, 2000),
    ]);
    expect(pulls(level.effects) - atLinkUp).toBe(0);
  });

  it('pings and pongs carry this node’s sum', () => {
    const { effects } = fold([
      ...linked,
      frameEvent(1, chatFrom(BOB, 'bob', ['b1', 'b2']), 10),
      frameEvent(1, { type: 'ping', t: 3 }, 20),
    ]);
    const pongs = effects.flatMap((e) =>
      e.kind === 'send' && e.frame.type === 'pong' ? [e.frame] : [],
    );
    expect(pongs).toEqual([{ type: 'pong', t: 3, seen: 2, sum: 2 }]);
  });
});
