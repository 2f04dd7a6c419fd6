import type { Effect } from './effect.js';
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

/** Ids kept of one member's `links`: an honest one lists its links (--max-links, 128 by default). */
export const MAX_PEERS_KEPT = 1024;

/** Whether a linked member's last `links` lists `id` (see GossipSlice.vouchers). */
export function isVouched(state: NodeState, id: string): boolean {
  return (state.gossip.vouchers.get(id) ?? 0) > 0;
}

/**
 * Sets whom member `id` says it is linked with (`undefined`: it vouches for
 * nobody now, it left), keeping the count of vouchers per id in step.
 */
export function withPeers(
  state: NodeState,
  id: string,
  peers: ReadonlySet<string> | undefined,
): NodeState {
  const member = state.members.get(id);
  if (member === undefined) return state;
  const vouchers = new Map(state.gossip.vouchers);
  const count = (of: string, by: number): void => {
    const now = (vouchers.get(of) ?? 0) + by;
    if (now > 0) vouchers.set(of, now);
    else vouchers.delete(of);
  };
  for (const of of member.peers ?? []) if (!peers?.has(of)) count(of, -1);
  for (const of of peers ?? []) if (!member.peers?.has(of)) count(of, 1);
  const { peers: _old, ...rest } = member;
  const updated: Member = peers === undefined ? rest : { ...rest, peers };
  const members = new Map(state.members);
  members.set(id, updated);
  return { ...state, members, gossip: { ...state.gossip, vouchers } };
}

/** Known members among `ids` that nobody vouches for now: lost as of `at`. */
export function dropUnvouched(state: NodeState, ids: Iterable<string>, at: number): NodeState {
  let members: Map<string, Member> | undefined;
  for (const id of ids) {
    const member = state.members.get(id);
    if (member?.state !== 'known' || isVouched(state, id)) continue;
    members ??= new Map(state.members);
    members.set(id, {
      ...member,
      state: stateAfter(member, 'unvouched') ?? member.state,
      leftAt: at,
    });
  }
  return members === undefined ? state : { ...state, members };
}

function waitMs(state: NodeState): number {
  return VOUCH_WAIT_TIMEOUTS * state.config.peerTimeoutMs;
}

/** When the next known member nobody vouches for has waited long enough. */
export function vouchDue(state: NodeState): number | undefined {
  let due: number | undefined;
  for (const member of state.members.values()) {
    if (member.state !== 'known' || member.heardAt === undefined) continue;
    if (isVouched(state, member.id)) continue;
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
