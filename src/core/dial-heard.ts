import { withMember } from './collections.js';
import type { Effect } from './effect.js';
import { mayDialHeard, stateAfter } from './member-life.js';
import { shouldDialLearned } from './membership.js';
import type { Member, NodeState } from './state.js';
import { withDialer } from './state.js';

/**
 * Members heard of that this node should dial but did not yet (the dials in
 * flight were at their cap when gossip named them, or a dial failed): dialled
 * on a tick, as many as the cap allows, each at most MAX_DIAL_ATTEMPTS times,
 * those tried least first.
 */
export function dialHeardOf(state: NodeState, _at: number, out: Effect[]): NodeState {
  let members: Map<string, Member> | undefined;
  let dialing = state.dialer.dialing;
  // Those tried least go first: every member heard of is tried once before any is tried again.
  const waiting = [...state.members.values()]
    .filter((member) => member.state === 'known' && shouldDialLearned(state, member))
    .sort((a, b) => (a.dialAttempts ?? 0) - (b.dialAttempts ?? 0));
  for (const member of waiting) {
    if (!mayDialHeard(dialing, member.address, member.dialAttempts ?? 0)) continue;
    const to = stateAfter(member, 'dialled');
    if (to === undefined) continue;
    members ??= new Map(state.members);
    members.set(member.id, { ...member, state: to, dialAttempts: (member.dialAttempts ?? 0) + 1 });
    dialing = withMember(dialing, member.address);
    out.push({
      kind: 'dial',
      target: member.address,
      purpose: { kind: 'gossip', member: member.id },
    });
  }
  return members === undefined ? state : withDialer({ ...state, members }, { dialing });
}
