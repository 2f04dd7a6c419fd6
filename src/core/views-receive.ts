import type { Goodbye, LinksFrame, ViewsFrame } from '../protocol/frames.js';
import { isOwnGoodbye } from './announcement.js';
import { withEntry, withoutEntry } from './collections.js';
import type { Effect } from './effect.js';
import { namedOf } from './labels.js';
import { stateAfter } from './member-life.js';
import { warnForged } from './membership.js';
import { isBounded } from './overlay.js';
import { reachChanged } from './reach-later.js';
import { queueRelay } from './relay.js';
import type { Link, Member, NodeState } from './state.js';
import { withDialer } from './state.js';
import type { ViewStamp } from './views.js';
import { fitsInFrame, isNewerView, viewText } from './views.js';
import { MAX_PEERS_KEPT, withPeers } from './vouching.js';

/** Goodbyes passed on in one `links` frame checked at most. */
const MAX_GOODBYES_CHECKED = 128;

/** Whom a linked member is linked with, from its own `links`: ones it no longer lists may have gone. */
export function onLinks(
  state: NodeState,
  member: Member,
  frame: LinksFrame,
  at: number,
  out: Effect[],
): NodeState {
  const peers = frame.peers.slice(0, MAX_PEERS_KEPT);
  return takeView(state, member, peers, signedStamp(state, member, frame), frame.quit, at, out);
}

/**
 * The stamp of a member's own `links`, to pass on: only one newer than the
 * view held, that verifies with the member's key, whole (not cut to
 * MAX_PEERS_KEPT) and small enough to pass on in a line (else it is kept, not passed on).
 */
function signedStamp(state: NodeState, member: Member, frame: LinksFrame): ViewStamp | undefined {
  const { n, sig, peers, quit } = frame;
  const inc = member.ann?.inc;
  if (n === undefined || sig === undefined || inc === undefined || member.key === undefined)
    return undefined;
  if (peers.length > MAX_PEERS_KEPT || !isNewerView(member, { inc, n })) return undefined;
  const stamp = { n, sig, peers, ...(quit === undefined ? {} : { quit }) };
  if (!fitsInFrame({ id: member.id, inc, ...stamp })) return undefined;
  const text = viewText(member.id, inc, n, peers);
  return state.config.identity.verify(member.key, text, sig) ? stamp : undefined;
}

/**
 * A member's `links` taken (its own, or its view passed on): whom it is
 * linked with; those it dropped that carry their own goodbye quit; who is
 * reached is worked out again; a signed one is passed on while links are bounded.
 */
export function takeView(
  state: NodeState,
  member: Member,
  peerList: readonly string[],
  stamp: ViewStamp | undefined,
  goodbyes: readonly Goodbye[] | undefined,
  at: number,
  out: Effect[],
  from: string = member.id,
  refresh = true,
): NodeState {
  const peers = new Set(peerList);
  const dropped = new Set([...(member.peers ?? [])].filter((id) => !peers.has(id)));
  let next = withPeers(state, member.id, peers);
  if (stamp !== undefined) {
    const updated = next.members.get(member.id);
    if (updated !== undefined)
      next = { ...next, members: withEntry(next.members, member.id, { ...updated, view: stamp }) };
    next = queueRelay(next, { id: member.id, what: 'view', from }, at);
  }
  // A goodbye passed on counts only as the leaver signed it (else it is just gone: lost), and
  // only for a member this `links` dropped: each checked once, a bounded number per frame.
  const quit = new Set<string>();
  const checked = new Set<string>();
  for (const bye of goodbyes ?? []) {
    if (!dropped.has(bye.id) || checked.has(bye.id)) continue;
    if (checked.size >= MAX_GOODBYES_CHECKED) break;
    checked.add(bye.id);
    if (isOwnGoodbye(state.config.identity, state.members.get(bye.id)?.ann, bye)) quit.add(bye.id);
  }
  if (quit.size > 0) next = quitForGood(next, quit, at, out);
  return refresh ? reachChanged(next, at, out, isBounded(next)) : next;
}

/** Members whose own goodbye was passed on: quit, whatever this node thought, and not redialled. */
function quitForGood(
  state: NodeState,
  ids: ReadonlySet<string>,
  at: number,
  out: Effect[],
): NodeState {
  let next = state;
  for (const id of ids) {
    const member = next.members.get(id);
    const to = stateAfter(member, 'toldQuit');
    if (member === undefined || to === undefined) continue;
    const { shown: _shown, ...rest } = member;
    if (member.shown === true)
      out.push({
        kind: 'emit',
        event: { event: 'leave', user: member.name, id, reason: 'quit' },
        who: namedOf(state, id, member.name),
      });
    next = {
      ...withDialer(next, { redials: withoutEntry(next.dialer.redials, id) }),
      members: withEntry(next.members, id, { ...rest, state: to, leftAt: at }),
    };
  }
  return next;
}

/** Views of one `views` frame checked at most: a frame of hundreds costs a bounded time. */
export const MAX_VIEWS_CHECKED = 128;

/**
 * Views passed on by a linked member: each one newer than the view held of
 * its member (of the incarnation this node holds), signed by that member's
 * announced key, is taken (see takeView); forged ones are ignored with one
 * warning; one of an incarnation not announced yet, or of a member linked
 * here (its own `links` come on its link), is left.
 */
export function onViews(
  state: NodeState,
  link: Link,
  frame: ViewsFrame,
  at: number,
  out: Effect[],
): NodeState {
  let next = state;
  let checked = 0;
  let forged = 0;
  let taken = 0;
  for (const view of frame.views) {
    if (checked >= MAX_VIEWS_CHECKED) break;
    const member = next.members.get(view.id);
    if (member === undefined || view.id === state.config.id || member.state === 'linked') continue;
    if (member.state === 'lost' || member.state === 'quit' || !isNewerView(member, view)) continue;
    checked += 1;
    const key = member.ann?.key ?? '';
    const text = viewText(view.id, view.inc, view.n, view.peers);
    if (!state.config.identity.verify(key, text, view.sig)) {
      forged += 1;
      continue;
    }
    const peers = view.peers.slice(0, MAX_PEERS_KEPT);
    const stamp = {
      n: view.n,
      sig: view.sig,
      peers: view.peers,
      ...(view.quit === undefined ? {} : { quit: view.quit }),
    };
    next = takeView(next, member, peers, stamp, view.quit, at, out, link.peer, false);
    taken += 1;
  }
  // Who is reached, worked out once for the frame.
  if (taken > 0) next = reachChanged(next, at, out, isBounded(next));
  warnForged(state, link, forged, out);
  return next;
}
