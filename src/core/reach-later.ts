import type { Effect } from './effect.js';
import type { NodeState } from './state.js';
import { withGossip } from './state.js';
import { refreshReach } from './vouching.js';

/**
 * Links bounded, who is reached is worked out again at most once per
 * REACH_BATCH_MS, not on every `views`, `links` or `members` frame: while a
 * room forms a node takes hundreds of views a second, and each working-out
 * walks the whole overlay. Whom a frame adds or drops is shown that much
 * later, and what reads who is reached meanwhile (the refill, the tree, a
 * new link's membership) reads the answer of up to 50 ms before; whom a line
 * is owed by and who is lost are worked out on the newest (settleReach). In
 * a full mesh it is worked out at once.
 */

/** How long a change of the views waits before who is reached is worked out again. */
export const REACH_BATCH_MS = 50;

/** Views or members changed: who is reached is worked out now (full mesh) or with the next batch. */
export function reachChanged(
  state: NodeState,
  at: number,
  out: Effect[],
  bounded: boolean,
): NodeState {
  if (!bounded) return refreshReach(state, at, out, false);
  return state.gossip.reachStaleAt === undefined ? withGossip(state, { reachStaleAt: at }) : state;
}

/** When who is reached is next worked out: a batch after the first change since the last time. */
export function reachDue(state: NodeState): number | undefined {
  const since = state.gossip.reachStaleAt;
  return since === undefined ? undefined : since + REACH_BATCH_MS;
}

/** Works out who is reached, if a change waited its batch. */
export function refreshStaleReach(state: NodeState, at: number, out: Effect[]): NodeState {
  const due = reachDue(state);
  return due === undefined || at < due ? state : settleReach(state, at, out);
}

/**
 * Works out who is reached now if a change is waiting: before a decision
 * that must not use an old answer (whom a line is owed by, who is lost).
 */
export function settleReach(state: NodeState, at: number, out: Effect[]): NodeState {
  if (state.gossip.reachStaleAt === undefined) return state;
  const { reachStaleAt: _since, ...gossip } = state.gossip;
  // Worked out with the rules of bounded links, under which the change was held (with their
  // grace, and whom a node with no link left keeps), even if the room has shrunk since.
  return refreshReach({ ...state, gossip }, at, out, true);
}
