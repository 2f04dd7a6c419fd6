import { withMember } from './collections.js';
import type { Effect } from './effect.js';
import { mayDialHeard, stateAfter } from './member-life.js';
import { shouldDialLearned } from './membership.js';
import { isBounded, SHED_MEMORY_MS } from './overlay.js';
import type { Member, NodeState } from './state.js';
import { withDialer } from './state.js';

/**
 * Members heard of that this node should dial but did not yet (the dials in
 * flight were at their cap when gossip named them, or a dial failed): dialled
 * on a tick, as many as the cap allows, each at most MAX_DIAL_ATTEMPTS times,
 * those tried least first.
 */
export function dialHeardOf(state: NodeState, at: number, out: Effect[]): NodeState {
  // Links bounded, members heard of are dialled by the refill (overlay.ts), not here.
  if (isBounded(state)) return state;
  let members: Map<string, Member> | undefined;
  let dialing = state.dialer.dialing;
  // Those tried least go first: every member heard of is tried once before any is tried again.
  const waiting = [...state.members.values()]
    .filter(
      (member) =>
        member.state === 'known' && shouldDialLearned(state, member) && !wasShed(member, at),
    )
    .sort((a, b) => (a.dialAttempts ?? 0) - (b.dialAttempts ?? 0));
  for (const member of waiting) {
    if (!mayDialHeard(dialing, member.address, member.dialAttempts ?? 0)) continue;
    if (stateAfter(member, 'dialled') === undefined) continue;
    members ??= new Map(state.members);
    dialing = dialMember(members, dialing, member, out);
  }
  return members === undefined ? state : withDialer({ ...state, members }, { dialing });
}

/** Dials a member heard of: connecting, one more attempt, its address in flight. */
export function dialMember(
  members: Map<string, Member>,
  dialing: ReadonlySet<string>,
  member: Member,
  out: Effect[],
): ReadonlySet<string> {
  const to = stateAfter(member, 'dialled') ?? member.state;
  members.set(member.id, { ...member, state: to, dialAttempts: (member.dialAttempts ?? 0) + 1 });
  out.push({
    kind: 'dial',
    target: member.address,
    purpose: { kind: 'gossip', member: member.id },
  });
  return withMember(dialing, member.address);
}

/** It shed this node's link lately (see overlay.ts): not dialled again for SHED_MEMORY_MS. */
export function wasShed(member: Member | undefined, at: number): boolean {
  return member?.shedAt !== undefined && at - member.shedAt < SHED_MEMORY_MS;
}
