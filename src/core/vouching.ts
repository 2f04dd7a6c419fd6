import { earliest } from './collections.js';
import type { Effect } from './effect.js';
import { namedOf } from './labels.js';
import { stateAfter } from './member-life.js';
import { viewsGraph } from './overlay-graph.js';
import type { Member, NodeState } from './state.js';

/**
 * Members this node is not linked with are present while someone vouches for
 * them: they are reached from this node's links through the members' last
 * `links` (their own, or their signed views passed on, see views.ts) — a
 * linked member lists them, or a member such a one lists, and so on. One
 * nobody reaches any more is lost at once when the last `links` that
 * reached it drops it (quit, when that `links` carries its goodbye) or when
 * the member that listed it goes; one heard of but never reached is lost
 * VOUCH_WAIT_TIMEOUTS × --peer-timeout after it was last heard of. Lost, it
 * is forgotten later like any lost member (forget.ts); gossip naming it again
 * makes it known again.
 */

/** Peer timeouts a member heard of may go without anyone listing it. */
export const VOUCH_WAIT_TIMEOUTS = 3;

/** Ids kept of one member's `links`: an honest one lists its links (--max-links, 128 by default). */
export const MAX_PEERS_KEPT = 1024;

/** A member heard of (known, or being dialled) that is reached: present though not linked. */
export function isReachedHeard(state: NodeState, member: Member): boolean {
  return (member.state === 'known' || member.state === 'connecting') && isVouched(state, member.id);
}

/** Whether `id` is reached from this node's links through the members' last `links`. */
export function isVouched(state: NodeState, id: string): boolean {
  return state.gossip.reached.has(id);
}

/** Members whose views are walked: present ones (a lost or quit member's word is not taken). */
function speaks(member: Member | undefined): boolean {
  return member !== undefined && member.state !== 'lost' && member.state !== 'quit';
}

/** Every member reached from this node's linked members along the members' `links`. */
export function reachOf(state: NodeState): Set<string> {
  const reached = new Set<string>();
  const queue: string[] = [];
  for (const member of state.members.values())
    if (member.state === 'linked') {
      reached.add(member.id);
      queue.push(member.id);
    }
  for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
    for (const peer of state.members.get(id)?.peers ?? []) {
      if (reached.has(peer) || peer === state.config.id) continue;
      const member = state.members.get(peer);
      // A member lost here that others list is reached (it may be back); its own word is not walked.
      if (member?.state === 'lost') reached.add(peer);
      if (!speaks(member)) continue;
      reached.add(peer);
      queue.push(peer);
    }
  }
  return reached;
}

/**
 * Sets whom member `id` says it is linked with (`undefined`: it vouches for
 * nobody now, it left). Who is reached is worked out again by `refreshReach`.
 */
export function withPeers(
  state: NodeState,
  id: string,
  peers: ReadonlySet<string> | undefined,
): NodeState {
  const member = state.members.get(id);
  if (member === undefined) return state;
  // The signed view held stays with new peers (a `links` not newer than it, or cut): it is
  // what is passed on, and what a copy arriving later is compared with, so none is taken twice.
  const { peers: _old, view, ...rest } = member;
  const updated: Member =
    peers === undefined ? rest : { ...rest, peers, ...(view === undefined ? {} : { view }) };
  const members = new Map(state.members);
  members.set(id, updated);
  return { ...state, members };
}

/**
 * Who is reached, worked out again: known members no longer reached are lost
 * as of `at` (with a `leave` when they were shown joined); while links are
 * bounded, a known member newly reached is shown joined (see overlay.ts).
 */
export function refreshReach(
  state: NodeState,
  at: number,
  out: Effect[],
  showJoins: boolean,
): NodeState {
  const before = state.gossip.reached;
  // Links bounded, with no link left this node sees nobody: it keeps whom it knew while it dials.
  if (showJoins && ![...state.members.values()].some((member) => member.state === 'linked'))
    return state;
  const reached = reachOf(state);
  let members: Map<string, Member> | undefined;
  for (const id of before) {
    const member = state.members.get(id);
    if (reached.has(id) || member?.state !== 'known') continue;
    members ??= new Map(state.members);
    // Links bounded, views change one by one: an unreached member gets UNREACHED_GRACE_MS.
    members.set(
      id,
      showJoins
        ? { ...member, unreachedAt: member.unreachedAt ?? at }
        : lostUnvouched(state, member, at, out),
    );
  }
  for (const id of reached) {
    const member = (members ?? state.members).get(id);
    if (member?.unreachedAt === undefined) continue;
    const { unreachedAt: _at, ...rest } = member;
    members ??= new Map(state.members);
    members.set(id, rest);
  }
  if (showJoins)
    for (const id of reached) {
      let member = (members ?? state.members).get(id);
      // Lost here, yet others link with it: it is back (links bounded), known and shown again.
      if (member?.state === 'lost') {
        const { leftAt: _left, ...rest } = member;
        member = { ...rest, state: stateAfter(member, 'heardOf') ?? member.state, heardAt: at };
        members ??= new Map(state.members);
        members.set(id, member);
      }
      if (member?.state !== 'known' || member.shown === true) continue;
      members ??= new Map(state.members);
      members.set(id, { ...member, shown: true });
      out.push({
        kind: 'emit',
        event: { event: 'join', user: member.name, id, address: member.address },
        who: namedOf(state, id, member.name),
      });
    }
  const after = members ?? state.members;
  // Links bounded: the overlay the broadcast tree reads, worked out once for every message.
  const overlay = showJoins ? viewsGraph(after, reached, state.config.id) : undefined;
  const { overlay: _old, ...rest } = state.gossip;
  const gossip = overlay === undefined ? { ...rest, reached } : { ...rest, reached, overlay };
  return { ...state, members: after, gossip };
}

/** A known member nobody reaches: lost, shown leaving when it was shown joined. */
export function lostUnvouched(state: NodeState, member: Member, at: number, out: Effect[]): Member {
  const { shown: _shown, ...rest } = member;
  if (member.shown === true)
    out.push({
      kind: 'emit',
      event: { event: 'leave', user: member.name, id: member.id, reason: 'lost' },
      who: namedOf(state, member.id, member.name),
    });
  return { ...rest, state: stateAfter(member, 'unvouched') ?? member.state, leftAt: at };
}

function waitMs(state: NodeState): number {
  return VOUCH_WAIT_TIMEOUTS * state.config.peerTimeoutMs;
}

/** When the next known member nobody vouches for has waited long enough. */
export function vouchDue(state: NodeState): number | undefined {
  return earliest(state.members.values(), (member) =>
    member.state !== 'known' || member.heardAt === undefined || isVouched(state, member.id)
      ? undefined
      : member.heardAt + waitMs(state),
  );
}

/** Known members nobody vouched for since they were heard of, long enough: lost. */
export function dropLongUnvouched(state: NodeState, at: number, out: Effect[]): NodeState {
  let members: Map<string, Member> | undefined;
  for (const member of state.members.values()) {
    if (member.state !== 'known' || member.heardAt === undefined) continue;
    if (isVouched(state, member.id) || at - member.heardAt < waitMs(state)) continue;
    members ??= new Map(state.members);
    members.set(member.id, lostUnvouched(state, member, at, out));
  }
  return members === undefined ? state : { ...state, members };
}
