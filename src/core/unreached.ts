import { earliest } from './collections.js';
import type { Effect } from './effect.js';
import { settleReach } from './reach-later.js';
import type { Member, NodeState } from './state.js';
import { isVouched, lostUnvouched } from './vouching.js';

/**
 * Links bounded: how long a known member may go unreached before it is lost
 * (views of a change of links arrive one by one, and a path can seem cut for
 * a moment); well within the second a lost member may take to be shown lost.
 */
export const UNREACHED_GRACE_MS = 500;

/** When the next member unreached for the grace is due to be lost. */
export function unreachedDue(state: NodeState): number | undefined {
  return earliest(state.members.values(), (member) =>
    member.state !== 'known' || member.unreachedAt === undefined
      ? undefined
      : member.unreachedAt + UNREACHED_GRACE_MS,
  );
}

/** Known members still unreached after the grace: lost. */
export function dropUnreached(before: NodeState, at: number, out: Effect[]): NodeState {
  // On the newest answer: a view that reaches it again may have come in the last 50 ms.
  const due = unreachedDue(before);
  const state = due !== undefined && at >= due ? settleReach(before, at, out) : before;
  let members: Map<string, Member> | undefined;
  for (const member of state.members.values()) {
    if (member.state !== 'known' || member.unreachedAt === undefined) continue;
    if (at < member.unreachedAt + UNREACHED_GRACE_MS) continue;
    const { unreachedAt: _at, ...rest } = member;
    members ??= new Map(state.members);
    members.set(
      member.id,
      isVouched(state, member.id) ? rest : lostUnvouched(state, rest, at, out),
    );
  }
  return members === undefined ? state : { ...state, members };
}
