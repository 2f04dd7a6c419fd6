import { describe, expect, it } from 'vitest';
import type { NodeEvent } from '../../src/core/event.js';
import {
  fold,
  frameEvent,
  hello,
  joined,
  kinds,
  linkUp,
  proof,
  testConfig,
} from '../helpers/core-fixtures.js';

/**
 * `--max-links` counts members only: links whose handshake is not done take
 * no slot, a `hello` or a `proof` beyond it is refused, and the edge is told
 * (`member`) when a link carries a member.
 */

const config = testConfig({ maxLinks: 2 });

/** A member id for `n` (16 hex digits). */
const idOf = (n: number): string => `c${n.toString(16).padStart(15, '0')}`;

/** Link `link` up with a hello from member `n`, and no proof. */
function halfOpen(link: number, n: number): NodeEvent[] {
  return [linkUp(link), frameEvent(link, hello(idOf(n), `half${n}`))];
}

/** The effects of the last `last` events of `events`, as kinds. */
function lastKinds(events: readonly NodeEvent[], last = 1): string[] {
  const before = fold(events.slice(0, -last), config).effects.length;
  return kinds(fold(events, config).effects.slice(before));
}

const joins = (events: readonly NodeEvent[]): number =>
  fold(events, config).effects.filter((e) => e.kind === 'emit' && e.event.event === 'join').length;

describe('--max-links counts members only', () => {
  it('links still in their handshake take no slot: two members join past ten half-open links', () => {
    const half = Array.from({ length: 10 }, (_, i) => halfOpen(100 + i, 100 + i)).flat();
    const events = [...half, ...joined(1, idOf(1), 'one'), ...joined(2, idOf(2), 'two')];
    expect(joins(events)).toBe(2);
    const warnings = fold(events, config).effects.filter((e) => e.kind === 'warn');
    expect(warnings).toEqual([]);
  });

  it('the edge is told once a link carries a member, just before its join', () => {
    const { effects } = fold(joined(1, idOf(1), 'one'), config);
    expect(kinds(effects)).toContain('member');
    expect(effects.filter((e) => e.kind === 'member')).toEqual([{ kind: 'member', link: 1 }]);
    expect(kinds(effects).indexOf('member') + 1).toBe(kinds(effects).indexOf('emit:join'));
    // A link still in its handshake is not a member's.
    expect(kinds(fold(halfOpen(1, 1), config).effects)).not.toContain('member');
  });

  it('a hello when full is refused before this node proves its key; a proof after it is ignored', () => {
    const full = [...joined(1, idOf(1), 'one'), ...joined(2, idOf(2), 'two')];
    const events = [...full, linkUp(3), frameEvent(3, hello(idOf(3), 'three'))];
    expect(lastKinds(events)).toEqual(['warn', 'close']);
    const { effects } = fold(events, config);
    expect(effects.at(-2)).toMatchObject({ warning: { code: 'full', name: 'three', maxLinks: 2 } });
    expect(effects.at(-1)).toEqual({ kind: 'close', link: 3, graceful: true });
    expect(lastKinds([...events, frameEvent(3, proof(3, hello(idOf(3), 'three')))])).toEqual([]);
  });

  it('a proof when full is refused: no member, no join', () => {
    const events = [
      ...halfOpen(3, 3),
      ...joined(1, idOf(1), 'one'),
      ...joined(2, idOf(2), 'two'),
      frameEvent(3, proof(3, hello(idOf(3), 'half3'))),
    ];
    expect(lastKinds(events)).toEqual(['warn', 'close']);
    expect(joins(events)).toBe(2);
  });

  it('a member linked already may move to a new link when full', () => {
    const full = [...joined(1, idOf(1), 'one'), ...joined(2, idOf(2), 'two')];
    const events = [...full, ...joined(3, idOf(2), 'two')];
    expect(lastKinds(events, 3)).not.toContain('warn');
    expect(fold(events, config).state.members.get(idOf(2))?.link).toBe(3);
  });

  it('a member that said bye frees its slot', () => {
    const full = [...joined(1, idOf(1), 'one'), ...joined(2, idOf(2), 'two')];
    const bye = frameEvent(2, { type: 'bye', reason: 'quit' });
    expect(joins([...full, bye, ...joined(3, idOf(3), 'three')])).toBe(3);
  });

  it('a named peer refused as full is dialled again later (a member may leave)', () => {
    const target = '127.0.0.1:9300';
    const named = testConfig({ maxLinks: 1, peers: [target] });
    const events: NodeEvent[] = [
      { kind: 'start', at: 0 },
      ...joined(1, idOf(1), 'one'),
      linkUp(2, 1, { direction: 'out', target, purpose: { kind: 'initial' } }),
      frameEvent(2, hello(idOf(3), 'three'), 1),
      { kind: 'tick', at: 60_000 },
    ];
    const { effects } = fold(events, named);
    const refused = effects.findIndex((e) => e.kind === 'warn' && e.warning.code === 'full');
    expect(refused).toBeGreaterThan(-1);
    const redial = effects.slice(refused).find((e) => e.kind === 'dial' && e.target === target);
    expect(redial).toBeDefined();
  });
});
