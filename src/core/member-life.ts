import { stillReached } from './bounded-member.js';
import { withEntry } from './collections.js';
import type { Effect } from './effect.js';
import { sendHave } from './gossip.js';
import { namedOf } from './labels.js';
import type { PeerState } from './output-event.js';
import { isBounded } from './overlay.js';
import { reachChanged } from './reach-later.js';
import { scheduleRedial } from './redial.js';
import type { Link, Member, NodeState } from './state.js';
import { activeLinks, withGossip } from './state.js';
import { announceLinks } from './views.js';
import { withPeers } from './vouching.js';

/** Where a member can be: one of its states, or not in the table at all. */
export type Place = PeerState | 'absent';

/**
 * What happens to a member: gossip named it (`heardOf`), and this node dials
 * it (`dialled`); that dial never became a link (`dialFailed`); its hello and
 * proof checked out on a link (`linked`); its link went away without a
 * goodbye (`lost`: closed, silent, or a swap that never came); it said
 * goodbye (`quit`); too many quit since, or lost longer than --redial-for,
 * it is dropped (`forgotten`).
 */
export type MemberChange =
  | 'heardOf'
  | 'unvouched'
  | 'toldQuit'
  | 'dialled'
  | 'dialFailed'
  | 'linked'
  | 'lost'
  | 'quit'
  | 'shed'
  | 'forgotten';

/**
 * One member's life, all of it: each place and where each change takes it.
 * A change not listed leaves the member as it is (gossip about a member that
 * is linked or lost changes nothing; a member lost twice is lost once). Gossip
 * about a member that quit means it came back (a restart with --identity):
 * it is dialled again by whichever end should dial. A member known only
 * through gossip that no linked member lists any more is lost (`unvouched`,
 * see vouching.ts); one whose own signed goodbye a linked member passes on
 * quit (`toldQuit`), and is not redialled; gossip about it later means it is
 * back, unless this node is redialling it.
 *
 *   absent ──heardOf──▶ known ──dialled──▶ connecting ──dialFailed──▶ known
 *   known ──unvouched──▶ lost; known, connecting, lost ──toldQuit──▶ quit
 *   any ──linked──▶ linked ──lost──▶ lost ──linked──▶ linked
 *   linked, lost ──quit──▶ quit ──forgotten──▶ absent
 *   linked ──shed──▶ known (links bounded: one end closed it to keep its count, see overlay.ts)
 *   lost ──forgotten (not back within --redial-for)──▶ absent
 *   quit ──forgotten (10 minutes after)──▶ absent
 *   quit, lost ──heardOf──▶ known, ──dialled──▶ connecting (gossip says it is back)
 */
export const MEMBER_LIFE: Readonly<Record<Place, Readonly<Partial<Record<MemberChange, Place>>>>> =
  {
    absent: { heardOf: 'known', dialled: 'connecting', linked: 'linked' },
    known: { dialled: 'connecting', linked: 'linked', unvouched: 'lost', toldQuit: 'quit' },
    connecting: { dialFailed: 'known', linked: 'linked', toldQuit: 'quit' },
    linked: { linked: 'linked', lost: 'lost', quit: 'quit', shed: 'known' },
    lost: {
      linked: 'linked',
      quit: 'quit',
      toldQuit: 'quit',
      forgotten: 'absent',
      heardOf: 'known',
      dialled: 'connecting',
    },
    quit: { linked: 'linked', forgotten: 'absent', heardOf: 'known', dialled: 'connecting' },
  };

export function placeOf(member: Member | undefined): Place {
  return member?.state ?? 'absent';
}

/** Whether `change` moves `member` anywhere (see MEMBER_LIFE). */
export function allows(member: Member | undefined, change: MemberChange): boolean {
  return MEMBER_LIFE[placeOf(member)][change] !== undefined;
}

/** The state `change` moves `member` to, by MEMBER_LIFE; undefined when it stays or leaves the table. */
export function stateAfter(
  member: Member | undefined,
  change: MemberChange,
): PeerState | undefined {
  const to = MEMBER_LIFE[placeOf(member)][change];
  return to === 'absent' ? undefined : to;
}

/** Dials of members heard of in flight at once: a gossip frame of thousands dials a few. */
export const MAX_DIALS_IN_FLIGHT = 16;

/** Times a member heard of is dialled before it is left to dial this node (or to later gossip). */
export const MAX_DIAL_ATTEMPTS = 3;

/** Whether a member heard of at `address`, dialled `attempts` times, may be dialled now. */
export function mayDialHeard(
  dialing: ReadonlySet<string>,
  address: string,
  attempts: number,
): boolean {
  return (
    !dialing.has(address) && dialing.size < MAX_DIALS_IN_FLIGHT && attempts < MAX_DIAL_ATTEMPTS
  );
}

/** Members that quit kept for naming and for not redialling them; the oldest go first. */
const MAX_QUIT_MEMBERS = 256;

/** A dial to a member heard of never became a link: it is known again. */
export function dialFailed(state: NodeState, id: string): NodeState {
  const member = state.members.get(id);
  const to = stateAfter(member, 'dialFailed');
  if (member === undefined || to === undefined) return state;
  return { ...state, members: withEntry(state.members, id, { ...member, state: to }) };
}

/** A linked member went away without a goodbye: show it, and redial it if we should. */
export function memberLost(state: NodeState, member: Member, at: number, out: Effect[]): NodeState {
  const to = stateAfter(member, 'lost');
  if (to === undefined) return state;
  // Links bounded: a member others still reach is not gone, only this link is (see overlay.ts).
  const still = isBounded(state) ? stillReached(state, member, at) : undefined;
  if (still !== undefined) {
    const next = announceLinks(still, out);
    for (const link of activeLinks(next)) sendHave(next, link, out);
    return reachChanged(next, at, out, true);
  }
  out.push({
    kind: 'emit',
    event: { event: 'leave', user: member.name, id: member.id, reason: 'lost' },
    who: namedOf(state, member.id, member.name),
  });
  const {
    link: _link,
    swappingSince: _swap,
    peers: _peers,
    view: _view,
    shown: _shown,
    ...rest
  } = member;
  const lost: Member = { ...rest, state: to, leftAt: at };
  const unlisted = withPeers(state, member.id, undefined);
  let next = scheduleRedial(
    { ...unlisted, members: withEntry(unlisted.members, member.id, lost) },
    lost,
    at,
  );
  next = announceLinks(next, out);
  // What it sent reached some members and not others: everyone compares with everyone now.
  for (const link of activeLinks(next)) sendHave(next, link, out);
  // Members it vouched for that nobody else reaches went with it, as far as this node can tell.
  const vouchedBy = reachChanged(next, at, out, isBounded(next));
  return withGossip(vouchedBy, { linksChanged: false, linksAnnouncedAt: at });
}

/** A member said goodbye on `link`: show it left; it is never redialled. */
export function memberQuit(
  state: NodeState,
  link: Link,
  at: number,
  out: Effect[],
  sig?: string,
): NodeState {
  const member = link.peer === undefined ? undefined : state.members.get(link.peer);
  const to = stateAfter(member, 'quit');
  if (member === undefined || to === undefined) return state;
  // A goodbye on a link it no longer uses (it moved to another) is that link's, not the member's.
  if (member.link !== link.id && member.state === 'linked') return state;
  const { link: _link, ...rest } = member;
  if (member.state === 'linked') {
    out.push({
      kind: 'emit',
      event: { event: 'leave', user: member.name, id: member.id, reason: 'quit' },
      who: namedOf(state, member.id, member.name),
    });
  }
  const { peers: _peers, view: _view, shown: _shown, ...left } = rest;
  const unlisted = withPeers(state, member.id, undefined);
  let next: NodeState = {
    ...unlisted,
    members: withEntry(unlisted.members, member.id, { ...left, state: to, leftAt: at }),
  };
  // Whom it is linked with changed: the others forward to it from now on what the quitter sent.
  // Its signed goodbye is passed on: members not linked with it can tell it quit, not just went.
  const goodbye =
    sig === undefined || member.inc === undefined
      ? undefined
      : { id: member.id, inc: member.inc, sig };
  if (member.state === 'linked') next = announceLinks(next, out, goodbye);
  return reachChanged(next, at, out, isBounded(next));
}

/** Its link was the loser of a simultaneous dial: still linked, its other link is awaited. */
export function memberSwapping(state: NodeState, link: Link, at: number): NodeState {
  const member = link.peer === undefined ? undefined : state.members.get(link.peer);
  if (member?.link !== link.id) return state;
  const { link: _link, ...rest } = member;
  return { ...state, members: withEntry(state.members, member.id, { ...rest, swappingSince: at }) };
}

/** Keeps the table bounded: all but the newest MAX_QUIT_MEMBERS members that quit are forgotten. */
export function forgetQuitMembers(state: NodeState): NodeState {
  const quit = [...state.members.values()].filter((member) => member.state === 'quit');
  if (quit.length <= MAX_QUIT_MEMBERS) return state;
  const members = new Map(state.members);
  for (const member of quit.slice(0, quit.length - MAX_QUIT_MEMBERS)) members.delete(member.id);
  return { ...state, members };
}
