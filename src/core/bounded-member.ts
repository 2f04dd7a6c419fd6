import { withEntry } from './collections.js';
import type { Effect } from './effect.js';
import { linksChangedLater } from './gossip.js';
import { stateAfter } from './member-life.js';
import { isBounded } from './overlay.js';
import { reachChanged } from './reach-later.js';
import type { Member, NodeState } from './state.js';
import { reachOf } from './vouching.js';

/** A member's life while links are bounded: a link shed, or lost while others still reach it. */

/** The state with `member` known, no longer linked, when others still reach it; else undefined. */
export function stillReached(state: NodeState, member: Member, at: number): NodeState | undefined {
  const { link: _link, swappingSince: _swap, ...rest } = member;
  const known: Member = { ...rest, state: 'known', shown: true, heardAt: at };
  const next = { ...state, members: withEntry(state.members, member.id, known) };
  return reachOf(next).has(member.id) ? next : undefined;
}

/**
 * Its link was shed (by either end, links bounded): it stays present, as
 * the others' views show it. The end that was shed (`byIt`) does not dial
 * the other for a while (SHED_MEMORY_MS); the end that shed has links to
 * spare, and may dial it again once it is short.
 */
export function memberShed(
  state: NodeState,
  member: Member,
  at: number,
  out: Effect[],
  byIt: boolean,
): NodeState {
  const to = stateAfter(member, 'shed');
  if (to === undefined) return state;
  const { link: _link, swappingSince: _swap, shedAt: _before, ...rest } = member;
  const shed: Member = {
    ...rest,
    state: to,
    ...(byIt ? { shedAt: at } : {}),
    shown: true,
    heardAt: at,
  };
  // Told with the next gossip, not at once: a node trims several links while the room forms.
  const next = linksChangedLater(
    { ...state, members: withEntry(state.members, member.id, shed) },
    at,
  );
  return reachChanged(next, at, out, isBounded(next));
}
