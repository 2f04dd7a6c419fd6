import type { MemberInfo, MembersFrame } from '../protocol/frames.js';
import { isDialable } from './address.js';
import type { Effect } from './effect.js';
import { heardOf } from './member-life.js';
import type { PeerState, PeersEvent, StatsEvent } from './output-event.js';
import type { NodeState } from './state.js';
import { withDialer } from './state.js';

/**
 * In a mesh, of two members that learn of each other only the one with the
 * smaller id dials, so gossip does not make both dial at once.
 */
export function shouldDialLearned(state: NodeState, info: MemberInfo): boolean {
  return state.config.mesh && info.mesh && state.config.id < info.id;
}

/** Gossip about members: each entry is heard of, and dialled when this node should. */
export function onMembers(
  state: NodeState,
  frame: MembersFrame,
  at: number,
  out: Effect[],
): NodeState {
  const draft = {
    members: new Map(state.members),
    dialing: new Set(state.dialer.dialing),
    redials: state.dialer.redials,
    at,
  };
  for (const info of frame.members) {
    // An address nobody can dial (`0.0.0.0`, `::`, not host:port) is no member's: ignored.
    if (info.id === state.config.id || !isDialable(info.address)) continue;
    heardOf(draft, info, shouldDialLearned(state, info), out);
  }
  return {
    ...withDialer(state, { dialing: draft.dialing }),
    members: draft.members,
  };
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
