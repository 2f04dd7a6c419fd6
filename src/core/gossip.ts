import type { MemberInfo } from '../protocol/frames.js';
import { doneOf } from './delivery.js';
import type { Effect } from './effect.js';
import type { LinkId } from './event.js';
import { logFloor } from './log.js';
import { membersFrames, tellWhom } from './members-frames.js';
import { isBounded } from './overlay.js';
import { haveStreams, presentStreams } from './present.js';
import { flushRelays } from './relay.js';
import type { Member, NodeState } from './state.js';
import { withGossip } from './state.js';
import { announceLinks, sendViews } from './views.js';
import { isVouched } from './vouching.js';

/**
 * Gossip: who is a member (`members`), whom this node is linked with
 * (`links`), and what it has for catch-up (`have`). Joins are batched; the
 * link set is told at once unless the mesh is still forming.
 */

/** A member as gossip tells it: its own announcement, unchanged, and where it is reached. */
export function memberInfo(member: Member): MemberInfo | undefined {
  return member.ann === undefined ? undefined : { ...member.ann, address: member.address };
}

/**
 * Gossip: tells `link` every member this node is linked with, but the one
 * at `link`; while links are bounded, every member present it knows of, and
 * their views, so a joiner learns the room from its first link.
 */
export function sendMembership(state: NodeState, link: LinkId, peer: string, out: Effect[]): void {
  const bounded = isBounded(state);
  const members: MemberInfo[] = [];
  for (const member of state.members.values()) {
    const info = memberInfo(member);
    if (info === undefined || member.id === peer) continue;
    if (
      member.state === 'linked' ||
      (bounded && member.state === 'known' && isVouched(state, member.id))
    )
      members.push(info);
  }
  for (const frame of membersFrames(members)) out.push({ kind: 'send', links: [link], frame });
  if (bounded) sendViews(state, link, peer, out);
}

/** Gossip held back goes out this long after it was first held. */
export const GOSSIP_BATCH_MS = 50;

/** Notes when gossip starts being held back (nothing was held before). */
function holdGossip(state: NodeState, at: number): NodeState {
  return state.gossip.joined.length > 0 ||
    state.gossip.linksChanged ||
    state.gossip.relay.length > 0
    ? state
    : withGossip(state, { heldAt: at });
}

/**
 * Gossip about a member that just joined is held for GOSSIP_BATCH_MS, so that
 * joins close together (a mesh forming) cost one `members` frame per batch to
 * each member instead of one per join. One the others know already (`tell`
 * false) only grew the link set.
 */
export function gossipJoin(
  state: NodeState,
  member: Member,
  at: number,
  out: Effect[],
  tell = true,
): NodeState {
  if (!tell) return linksGrew(state, at, out);
  const held = holdGossip(state, at);
  return linksGrew(withGossip(held, { joined: [...held.gossip.joined, member.id] }), at, out);
}

/** The link set changed in a way that is told with the next gossip (see gossipDue), not at once. */
export function linksChangedLater(state: NodeState, at: number): NodeState {
  return state.gossip.linksChanged
    ? state
    : withGossip(holdGossip(state, at), { linksChanged: true });
}

/** When held gossip is due: joins after the batch; a grown link set once the mesh formed, or a ping interval after the last. */
export function gossipDue(state: NodeState): number | undefined {
  if (state.gossip.joined.length > 0 || state.gossip.relay.length > 0)
    return state.gossip.heldAt + GOSSIP_BATCH_MS;
  if (!state.gossip.linksChanged) return undefined;
  return meshForming(state)
    ? state.gossip.linksAnnouncedAt + state.config.pingIntervalMs
    : state.gossip.heldAt + GOSSIP_BATCH_MS;
}

/** Sends the gossip held back: who joined, and the link set if it is due. */
export function flushGossip(state: NodeState, at: number, out: Effect[]): NodeState {
  let next = state;
  if (state.gossip.joined.length > 0) {
    const members: MemberInfo[] = [];
    for (const id of state.gossip.joined) {
      const member = state.members.get(id);
      const info = member === undefined ? undefined : memberInfo(member);
      if (member?.state === 'linked' && info !== undefined) members.push(info);
    }
    for (const { entries, links } of tellWhom(state, members))
      for (const frame of membersFrames(entries)) out.push({ kind: 'send', links, frame });
    next = withGossip(next, { joined: [] });
  }
  next = flushRelays(next, out);
  return next.gossip.linksChanged ? linksGrew(next, at, out) : next;
}

/** Members this node expects to link with soon: a dial in flight, or a meshing member yet to dial us. */
function meshForming(state: NodeState): boolean {
  for (const member of state.members.values()) {
    if (member.state === 'connecting') return true;
    if (member.state === 'known' && member.mesh && state.config.mesh) return true;
  }
  return false;
}

/**
 * The link set grew. Told at once when this node expects no more links
 * soon; while its mesh is still forming, at most once per ping interval (the
 * sets in between are out of date before they arrive). A new link told late
 * costs at most a needless forward, dropped as a duplicate; a lost link is
 * told at once (memberLost), since then forwarding is needed.
 */
function linksGrew(state: NodeState, at: number, out: Effect[]): NodeState {
  if (meshForming(state) && at - state.gossip.linksAnnouncedAt < state.config.pingIntervalMs)
    return state.gossip.linksChanged
      ? state
      : withGossip(holdGossip(state, at), { linksChanged: true });
  return withGossip(announceLinks(state, out), { linksChanged: false, linksAnnouncedAt: at });
}

/**
 * Catch-up, first half: tell a link what this node has and what it can still
 * resend; `want` names the streams it asks for (a pull), none for all.
 */
export function sendHave(
  state: NodeState,
  link: LinkId,
  out: Effect[],
  want?: readonly string[],
): void {
  // Only the streams present (and the newest lost): a have's size follows who is here.
  const present = presentStreams(state);
  const streams = haveStreams(state, present);
  const { vector: delivered, retired } = state.chat.delivery;
  for (const stream of want ?? []) streams.set(stream, doneOf(delivered, retired, stream));
  const vector = Object.fromEntries(streams);
  // A floor only for the streams present: of the others there is nothing to start.
  const floor = logFloor(
    state.chat.log,
    new Map([...streams].filter(([stream]) => present.has(stream))),
  );
  const frame = { type: 'have', vector, floor } as const;
  out.push({ kind: 'send', links: [link], frame: want === undefined ? frame : { ...frame, want } });
}
