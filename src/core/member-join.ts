import type { HelloFrame } from '../protocol/frames.js';
import { formatHostPort, hostOf, isDialable } from './address.js';
import { announcementOf } from './announcement.js';
import { firstHave } from './catch-up.js';
import { withEntry, withoutEntry } from './collections.js';
import { settleInitial } from './dialing.js';
import type { Effect } from './effect.js';
import { gossipJoin, sendMembership } from './gossip.js';
import { isNewKey, namedOf, rememberKey } from './labels.js';
import { withSkeleton } from './look-alike.js';
import { allows } from './member-life.js';
import { isBounded, presentHint } from './overlay.js';
import { isFull, refuseFull } from './refusal.js';
import { stopRetrying } from './retry.js';
import { secondLink } from './second-link.js';
import type { Link, Member, NodeState } from './state.js';
import { withDialer } from './state.js';
import { tellNewLink } from './views.js';
import { isReachedHeard } from './vouching.js';

/** The `linked` change of a member's life (see MEMBER_LIFE in member-life.ts): every place → linked. */

/** The member at `link` from its hello, keeping what this node knew of its earlier life. */
function linkedMember(
  known: Member | undefined,
  link: Link,
  hello: HelloFrame,
  at: number,
): Member {
  const named = link.purpose?.kind === 'initial' ? link.target : known?.named;
  return {
    id: hello.id,
    name: hello.name,
    skeleton: withSkeleton(hello.name),
    // An advertised address nobody can dial is not used: the connection's address is.
    address:
      hello.advertise !== undefined && isDialable(hello.advertise)
        ? hello.advertise
        : formatHostPort(hostOf(link.remote), hello.port),
    mesh: hello.mesh,
    state: 'linked',
    link: link.id,
    linkedAt: at,
    inc: hello.inc,
    key: hello.key,
    ann: announcementOf(hello),
    confirmed: (known?.inc ?? known?.ann?.inc) === hello.inc ? (known?.confirmed ?? 0) : 0,
    sent: known?.sent ?? 0,
    received: known?.received ?? 0,
    framesSent: known?.framesSent ?? 0,
    framesReceived: known?.framesReceived ?? 0,
    ...(named === undefined ? {} : { named }),
    // Its view passed on, of this incarnation, stands until its own `links` come on this link.
    ...(known?.ann?.inc === hello.inc && known.peers !== undefined ? { peers: known.peers } : {}),
    ...(known?.ann?.inc === hello.inc && known.view !== undefined ? { view: known.view } : {}),
    ...(known?.shown === true ? { shown: true } : {}),
  };
}

/**
 * Its hello and proof checked out on `link`: it joins (or moves to a better
 * link), unless this node has --max-links members already.
 */
export function memberJoined(
  state: NodeState,
  link: Link,
  hello: HelloFrame,
  at: number,
  out: Effect[],
): NodeState {
  if (isFull(state, hello.id)) return refuseFull(state, link, hello.name, at, out);
  out.push({ kind: 'member', link: link.id });
  const linked: Link = { ...link, peer: hello.id };
  let next = settleInitial({ ...state, links: withEntry(state.links, link.id, linked) }, link);
  if (link.purpose?.kind === 'initial' && link.target !== undefined)
    next = stopRetrying(next, link.target);
  const known = next.members.get(hello.id);
  if (!allows(known, 'linked')) return next;
  if (known?.state === 'linked') return secondLink(next, known, linked, hello, out);
  const member = linkedMember(known, link, hello, at);
  // Linked another way (it dialled us, or through gossip): its named address needs no retries.
  for (const target of [member.address, member.named])
    if (target !== undefined) next = stopRetrying(next, target);
  const newKey = isNewKey(next.keysByName, hello.name, hello.key);
  next = {
    ...withDialer(next, { redials: withoutEntry(next.dialer.redials, hello.id) }),
    members: withEntry(next.members, hello.id, member),
    keysByName: rememberKey(next.keysByName, hello.name, hello.key),
  };
  // Shown joined already (links bounded, it was present through others): not shown twice.
  if (known?.shown !== true || known.ann?.inc !== hello.inc)
    out.push({
      kind: 'emit',
      event: { event: 'join', user: member.name, id: member.id, address: member.address },
      who: namedOf(next, member.id, member.name),
      // A name this node saw before with another key is flagged: maybe not the same person.
      ...(newKey ? { newKey: true } : {}),
    });
  // Links bounded, a member present here already had every announcement and view by the flood
  // (relay.ts), and the others know it: only one new to the room, or back, is told and told of.
  // Both ends count the same members present, as their hellos say, and neither had no link at
  // all (it says 1 then: what it holds may be out of date).
  const mine = presentHint(state);
  const present =
    mine !== undefined &&
    mine > 1 &&
    hello.present === mine &&
    known !== undefined &&
    isReachedHeard(state, known) &&
    known.ann?.inc === hello.inc;
  if (!present) sendMembership(next, link.id, member.id, out);
  // Links bounded: the new link is told at once whom this node was linked with as it last said,
  // so it can reach the room through it; the change itself goes with the next gossip.
  if (isBounded(next)) next = tellNewLink(next, link.id, out);
  return gossipJoin(firstHave(next, link.id, at, out), member, at, out, !present);
}
