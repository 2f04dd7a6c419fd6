import type { Effect } from './effect.js';
import type { MemberChange } from './member-life.js';
import { stateAfter } from './member-life.js';
import type { Member, NodeState } from './state.js';

/**
 * Members this node is not linked with are present only while someone
 * vouches for them: a linked member whose last `links` lists them. One
 * nobody lists any more is lost at once when the last `links` that listed it
 * drops it (quit, when that `links` says it said goodbye) or when the member
 * that listed it goes;
 * one heard of but never listed is lost VOUCH_WAIT_TIMEOUTS × --peer-timeout
 * after it was last heard of. Lost, it is forgotten later like any lost member
 * (forget.ts); gossip naming it again makes it known again.
 */

/** Peer timeouts a member heard of may go without anyone listing it. */
export const VOUCH_WAIT_TIMEOUTS = 3;

/** The ids listed by the last `links` of every member linked now. */
export function vouchedFor(state: NodeState): Set<string> {
  const vouched = new Set<string>();
  for (const member of state.members.values()) {
    if (member.state !== 'linked' || member.peers === undefined) continue;
    for (const id of member.peers) vouched.add(id);
  }
  return vouched;
}

/**
 * Known members among `ids` that nobody vouches for now: lost as of `at`, or
 * quit if they are in `quit` (the `links` that dropped them said so).
 */
export function dropUnvouched(
  state: NodeState,
  ids: Iterable<string>,
  at: number,
  quit: ReadonlySet<string> = new Set(),
): NodeState {
  let vouched: Set<string> | undefined;
  let members: Map<string, Member> | undefined;
  for (const id of ids) {
    const member = state.members.get(id);
    if (member?.state !== 'known') continue;
    vouched ??= vouchedFor(state);
    if (vouched.has(id)) continue;
    members ??= new Map(state.members);
    members.set(id, unvouched(member, quit.has(id) ? 'toldQuit' : 'unvouched', at));
  }
  return members === undefined ? state : { ...state, members };
}

function unvouched(member: Member, change: MemberChange, at: number): Member {
  return { ...member, state: stateAfter(member, change) ?? member.state, leftAt: at };
}

function waitMs(state: NodeState): number {
  return VOUCH_WAIT_TIMEOUTS * state.config.peerTimeoutMs;
}

/** When the next known member nobody vouches for has waited long enough. */
export function vouchDue(state: NodeState): number | undefined {
  let due: number | undefined;
  let vouched: Set<string> | undefined;
  for (const member of state.members.values()) {
    if (member.state !== 'known' || member.heardAt === undefined) continue;
    vouched ??= vouchedFor(state);
    if (vouched.has(member.id)) continue;
    const at = member.heardAt + waitMs(state);
    if (due === undefined || at < due) due = at;
  }
  return due;
}

/** Known members nobody vouched for since they were heard of, long enough: lost. */
export function dropLongUnvouched(state: NodeState, at: number, _out: Effect[]): NodeState {
  const waited: string[] = [];
  for (const member of state.members.values()) {
    if (member.state !== 'known' || member.heardAt === undefined) continue;
    if (at - member.heardAt >= waitMs(state)) waited.push(member.id);
  }
  return waited.length === 0 ? state : dropUnvouched(state, waited, at);
}
