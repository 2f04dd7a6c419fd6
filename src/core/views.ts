import type { Goodbye, LinksFrame, View, ViewsFrame } from '../protocol/frames.js';
import { MAX_FRAME_BYTES } from '../protocol/frames.js';
import type { Effect } from './effect.js';
import type { LinkId } from './event.js';
import { FRAME_BYTES, inLines } from './members-frames.js';
import type { Member, NodeState } from './state.js';
import { activeLinks, withGossip } from './state.js';

/**
 * Views: a member's `links` signed by it (`n` counts its `links` from 1 each
 * start), so that others can pass it on and members not linked with it know
 * whom it is linked with — who is present (vouching.ts) and where a message
 * still has to go, without anyone able to change what it says.
 */

/** The text a member signs for its `links` number `n`. */
export function viewText(id: string, inc: string, n: number, peers: readonly string[]): string {
  return ['rxchat-links-v1', id, inc, String(n), JSON.stringify(peers)].join('\n');
}

/** A member's last signed `links`, as held to pass on. */
export interface ViewStamp {
  readonly n: number;
  readonly sig: string;
  /** The peers as signed, in their order. */
  readonly peers: readonly string[];
  readonly quit?: readonly Goodbye[];
}

/**
 * This node's `links` for now, signed with its next number: the ids it is
 * linked with, and the goodbye of one that just quit.
 */
export function ownLinks(
  state: NodeState,
  quit?: Goodbye,
): { state: NodeState; frame: LinksFrame } {
  const peers: string[] = [];
  for (const member of state.members.values()) if (member.state === 'linked') peers.push(member.id);
  const n = state.gossip.viewN + 1;
  const { id, incarnation, identity } = state.config;
  const sig = identity.sign(viewText(id, incarnation, n, peers));
  const frame: LinksFrame = {
    type: 'links',
    peers,
    n,
    sig,
    ...(quit === undefined ? {} : { quit: [quit] }),
  };
  return { state: withGossip(state, { viewN: n, lastLinks: frame }), frame };
}

/** Tells every linked member whom this node is linked with now (see ownLinks). */
export function announceLinks(state: NodeState, out: Effect[], quit?: Goodbye): NodeState {
  return tellLinks(state, activeLinks(state), out, quit);
}

/**
 * Tells a new link whom this node was linked with as it last said (its last
 * signed `links`, not a new one): the member can reach the room through it
 * at once, and nobody passes on what all have had already.
 */
export function tellNewLink(state: NodeState, link: LinkId, out: Effect[]): NodeState {
  const last = state.gossip.lastLinks;
  if (last === undefined) return tellLinks(state, [link], out);
  const { quit: _quit, ...frame } = last;
  out.push({ kind: 'send', links: [link], frame });
  return state;
}

/** Tells `links` whom this node is linked with now (see ownLinks). */
export function tellLinks(
  state: NodeState,
  links: readonly LinkId[],
  out: Effect[],
  quit?: Goodbye,
): NodeState {
  if (links.length === 0) return state;
  const own = ownLinks(state, quit);
  out.push({ kind: 'send', links, frame: own.frame });
  return own.state;
}

/** The view of `member` as it goes on the wire, when this node holds one. */
export function viewOf(member: Member): View | undefined {
  const { view, ann } = member;
  if (view === undefined || ann === undefined) return undefined;
  const { n, sig, peers, quit } = view;
  return { id: member.id, inc: ann.inc, n, peers, sig, ...(quit === undefined ? {} : { quit }) };
}

/** Whether `view` is newer than what this node holds of its member (of the incarnation it holds). */
export function isNewerView(member: Member | undefined, view: { inc: string; n: number }): boolean {
  if (member?.ann === undefined || member.ann.inc !== view.inc) return false;
  return (member.view?.n ?? 0) < view.n;
}

/** Views at most in one frame. */
const MAX_VIEWS_PER_FRAME = 128;

/** Whether a view fits in a `views` frame of its own: one that does not is never passed on. */
export function fitsInFrame(view: View): boolean {
  return FRAME_BYTES + Buffer.byteLength(JSON.stringify(view)) + 1 <= MAX_FRAME_BYTES;
}

/** Views as `views` frames that each fit in a line (a view too big for one is left out). */
export function viewsFrames(views: readonly View[]): ViewsFrame[] {
  return inLines(views, MAX_VIEWS_PER_FRAME).map((batch) => ({ type: 'views', views: batch }));
}

/** Sends `views` to `link`: the views of every member present this node holds, but the peer's. */
export function sendViews(state: NodeState, link: LinkId, peer: string, out: Effect[]): void {
  const views: View[] = [];
  for (const member of state.members.values()) {
    if (member.id === peer || (member.state !== 'linked' && member.state !== 'known')) continue;
    const view = viewOf(member);
    if (view !== undefined) views.push(view);
  }
  for (const frame of viewsFrames(views)) out.push({ kind: 'send', links: [link], frame });
}
