import type { MemberInfo, MembersFrame } from '../protocol/frames.js';
import { withEntry, withMember } from './collections.js';
import type { Effect } from './effect.js';
import type { LinkId } from './event.js';
import { labelOf } from './labels.js';
import type { PeersEvent } from './output-event.js';
import { scheduleRedial } from './redial.js';
import type { Member, NodeState } from './state.js';
import { activeLinks } from './state.js';

export function memberInfo(member: Member): MemberInfo {
  return { id: member.id, name: member.name, address: member.address, mesh: member.mesh };
}

/** Gossip: tells `link` every member this node is linked with, but the one at `link`. */
export function sendMembership(state: NodeState, link: LinkId, out: Effect[]): void {
  const members: MemberInfo[] = [];
  for (const member of state.members.values()) {
    if (member.state === 'linked' && member.link !== link) members.push(memberInfo(member));
  }
  if (members.length > 0)
    out.push({ kind: 'send', links: [link], frame: { type: 'members', members } });
}

/** Gossip: tells every other linked member about one that just joined. */
export function announceMember(state: NodeState, member: Member, out: Effect[]): void {
  const links = activeLinks(state).filter((link) => link !== member.link);
  if (links.length > 0) {
    out.push({ kind: 'send', links, frame: { type: 'members', members: [memberInfo(member)] } });
  }
}

/**
 * In a mesh, of two members that learn of each other only the one with the
 * smaller id dials, so gossip does not make both dial at once.
 */
function shouldDialLearned(state: NodeState, info: MemberInfo): boolean {
  return state.config.mesh && info.mesh && state.config.id < info.id;
}

export function onMembers(state: NodeState, frame: MembersFrame, out: Effect[]): NodeState {
  let next = state;
  for (const info of frame.members) {
    if (info.id === next.config.id) continue;
    const known = next.members.get(info.id);
    if (known !== undefined && known.state !== 'known') continue;
    const member: Member = {
      id: info.id,
      name: info.name,
      address: info.address,
      mesh: info.mesh,
      state: 'known',
    };
    if (shouldDialLearned(next, info) && !next.dialing.has(info.address)) {
      out.push({
        kind: 'dial',
        target: info.address,
        purpose: { kind: 'gossip', member: info.id },
      });
      next = {
        ...next,
        dialing: withMember(next.dialing, info.address),
        members: withEntry(next.members, info.id, { ...member, state: 'connecting' }),
      };
    } else if (known === undefined) {
      next = { ...next, members: withEntry(next.members, info.id, member) };
    }
  }
  return next;
}

/** A linked member went away without a goodbye: show it, and redial it if we should. */
export function memberLost(state: NodeState, member: Member, at: number, out: Effect[]): NodeState {
  out.push({
    kind: 'emit',
    event: { event: 'leave', user: member.name, id: member.id, reason: 'lost' },
    label: labelOf(state, member.id, member.name),
  });
  const { link: _link, swappingSince: _swap, ...rest } = member;
  const lost: Member = { ...rest, state: 'lost' };
  return scheduleRedial({ ...state, members: withEntry(state.members, member.id, lost) }, lost, at);
}

export function peersEvent(state: NodeState): PeersEvent {
  const peers = [...state.members.values()].map((member) => ({
    user: member.name,
    id: member.id,
    address: member.address,
    state: member.state,
  }));
  return { event: 'peers', peers };
}
