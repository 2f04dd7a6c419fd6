import type { Announcement, MemberInfo, MembersFrame } from '../protocol/frames.js';
import { isDialable, parseHostPort } from './address.js';
import { isAuthentic, isSameAnnouncement } from './announcement.js';
import { dialHeardOf } from './dial-heard.js';
import type { Effect } from './effect.js';
import { heardOf, heardOnlyIn } from './heard-of.js';
import { linkRef } from './labels.js';
import { MAX_MEMBERS_PER_FRAME } from './members-frames.js';
import type { PeerState, PeersEvent, StatsEvent } from './output-event.js';
import { isBounded } from './overlay.js';
import { reachChanged } from './reach-later.js';
import { queueRelay } from './relay.js';
import type { Link, NodeState } from './state.js';
import { withDialer } from './state.js';

/**
 * In a mesh, of two members that learn of each other only the one with the
 * smaller id dials, so gossip does not make both dial at once.
 */
export function shouldDialLearned(
  state: NodeState,
  info: Pick<MemberInfo, 'id' | 'mesh'>,
): boolean {
  return state.config.mesh && info.mesh && state.config.id < info.id && !isBounded(state);
}

/**
 * Announcements of one `members` frame checked at most: a frame of hundreds
 * costs a bounded time. An honest sender puts no more in one frame.
 */
export const MAX_CHECKED_PER_FRAME = MAX_MEMBERS_PER_FRAME;

/** Whether gossip's address for a member is its own: its advertised address, or at its announced port. */
function isItsAddress(info: MemberInfo): boolean {
  if (!isDialable(info.address)) return false;
  return info.address === info.advertise || parseHostPort(info.address)?.port === info.port;
}

/** Whether the entry is older than what this node holds of the member (another incarnation, earlier). */
function isOlder(known: Announcement | undefined, info: MemberInfo): boolean {
  return known !== undefined && known.inc !== info.inc && info.time <= known.time;
}

/**
 * Gossip about members: each entry whose announcement is its member's own
 * (signed by the key whose hash is its id) is heard of, and dialled when this
 * node should; forged or altered ones are ignored, with one warning.
 */
export function onMembers(
  state: NodeState,
  link: Link,
  frame: MembersFrame,
  at: number,
  out: Effect[],
): NodeState {
  const draft = {
    members: new Map(state.members),
    dialing: new Set(state.dialer.dialing),
    redials: state.dialer.redials,
    at,
    heardOnly: heardOnlyIn(state.members),
  };
  let checked = 0;
  let forged = 0;
  const fresh: string[] = [];
  for (const info of frame.members) {
    // An address nobody can dial (`0.0.0.0`, `::`, not host:port), or not the member's: ignored.
    if (info.id === state.config.id || !isItsAddress(info)) continue;
    const known = draft.members.get(info.id)?.ann;
    if (isOlder(known, info)) continue;
    if (!isSameAnnouncement(known, info)) {
      if (checked >= MAX_CHECKED_PER_FRAME) continue;
      checked += 1;
      if (!isAuthentic(state.config.identity, info)) {
        forged += 1;
        continue;
      }
    }
    const before = draft.members.get(info.id);
    // Dialled once the whole frame is counted (below): a joiner told of a large room keeps its links bounded.
    heardOf(draft, info, false, out);
    const after = draft.members.get(info.id);
    // New to this node (or a new incarnation): passed on while links are bounded.
    if (after !== undefined && after !== before && before?.ann?.inc !== after.ann?.inc)
      fresh.push(info.id);
  }
  warnForged(state, link, forged, out);
  let next: NodeState = {
    ...withDialer(state, { dialing: draft.dialing }),
    members: draft.members,
  };
  for (const id of fresh)
    next = queueRelay(
      next,
      { id, what: 'member', ...(link.peer === undefined ? {} : { from: link.peer }) },
      at,
    );
  // Full mesh: those this node dials. A member just heard of may be listed already by views it holds.
  next = dialHeardOf(next, at, out);
  return fresh.length === 0 ? next : reachChanged(next, at, out, isBounded(next));
}

/** The order /peers lists members in: the present first, then those that left. */
const PEERS_ORDER: Readonly<Record<PeerState, number>> = {
  linked: 0,
  connecting: 1,
  known: 2,
  lost: 3,
  quit: 4,
};

export function peersEvent(state: NodeState): PeersEvent {
  const members = [...state.members.values()].sort(
    (a, b) => PEERS_ORDER[a.state] - PEERS_ORDER[b.state],
  );
  const peers = members.map((member) => ({
    user: member.name,
    id: member.id,
    address: member.address,
    state: member.state,
    // A round trip is only known while linked: an old one says nothing of a member gone.
    rtt: member.state === 'linked' ? (member.rttMs ?? null) : null,
  }));
  return { event: 'peers', peers };
}

export function statsEvent(state: NodeState): StatsEvent {
  const links = [...state.members.values()]
    .filter((member) => member.sent > 0 || member.received > 0 || member.state === 'linked')
    .map((member) => ({
      user: member.name,
      id: member.id,
      sent: member.sent,
      received: member.received,
      framesSent: member.framesSent,
      framesReceived: member.framesReceived,
    }));
  return { event: 'stats', links };
}

/** One warning for the gossip of a frame not signed by its members' own keys. */
export function warnForged(state: NodeState, link: Link, forged: number, out: Effect[]): void {
  if (forged === 0) return;
  out.push({
    kind: 'warn',
    warning: { code: 'forgedMembers', link: linkRef(state, link), count: forged },
    key: `${link.remote}:forged`,
  });
}
