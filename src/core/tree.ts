import type { GraftFrame, IhaveFrame } from '../protocol/frames.js';
import { earliest, withEntry } from './collections.js';
import { doneOf } from './delivery.js';
import type { Effect } from './effect.js';
import type { LinkId } from './event.js';
import { answerWithin } from './have-reply.js';
import { replayFor } from './log.js';
import { isBounded } from './overlay.js';
import { neighboursIn, viewsGraph } from './overlay-graph.js';
import { isPresentStream } from './present.js';
import type { Member, NodeState } from './state.js';
import { withChat } from './state.js';
import { isVouched } from './vouching.js';

/**
 * The broadcast tree, while links are bounded. Every node knows whom each
 * member present is linked with (the views, views.ts), so each works out the
 * same shortest-path tree rooted at a message's origin, as link-state
 * multicast does (MOSPF, RFC 1584): a breadth-first search from the origin,
 * each member's parent the smallest id one hop nearer. A new chat frame goes
 * on at once to the linked members whose parent is this node, and nowhere
 * else: a message crosses each link of the tree once and no other link.
 * Every link is told its ids in an `ihave` a little later (Plumtree's lazy
 * push, Leitão, Pereira and Rodrigues, 2007): a node told of a message it
 * still lacks GRAFT_WAIT_MS after the `ihave` (its parent went, or views
 * disagree for a moment) asks the member that told it (`graft`), which sends
 * it as live frames, and it passes them on down its own part of the tree.
 * An `ihave` is a hint: nothing waits for one, and one that lies costs a
 * graft and an answer of what that member really has.
 */

/** How long ids are gathered before they go, in one `ihave` per link. */
export const IHAVE_BATCH_MS = 100;

/** How long after an `ihave` a message still missing is pulled from the member that told it. */
export const GRAFT_WAIT_MS = 200;

/** A message told of by an `ihave`: the newest seq told, by whom, and when first. */
export interface Announced {
  readonly seq: number;
  readonly from: string;
  readonly at: number;
}

function isLinked(member: Member): member is Member & { link: LinkId } {
  return member.state === 'linked' && member.link !== undefined;
}

/**
 * The links to send a new frame of `origin` on: all of them (links not
 * bounded, or this node's own frame), else the linked members whose parent
 * in the origin's shortest-path tree is this node.
 */
export function treeLinks(
  state: NodeState,
  origin: string,
  ...except: (string | undefined)[]
): LinkId[] {
  const self = state.config.id;
  const all = (): LinkId[] => {
    const links: LinkId[] = [];
    for (const member of state.members.values())
      if (isLinked(member) && !except.includes(member.id)) links.push(member.link);
    return links;
  };
  if (!isBounded(state) || origin === self) return all();
  const linked = new Set<string>();
  for (const member of state.members.values())
    if (isLinked(member) && isVouched(state, member.id)) linked.add(member.id);
  const graph = state.gossip.overlay ?? viewsGraph(state.members, state.gossip.reached, self);
  if (!graph.has(origin) && !linked.has(origin)) return all();
  const around = neighboursIn(graph, linked, self);
  const depth = new Map<string, number>([[origin, 0]]);
  let level = [origin];
  while (level.length > 0 && !depth.has(self)) {
    const nextLevel: string[] = [];
    for (const id of level)
      for (const peer of around(id))
        if (!depth.has(peer)) {
          depth.set(peer, (depth.get(id) ?? 0) + 1);
          nextLevel.push(peer);
        }
    level = nextLevel;
  }
  const mine = depth.get(self);
  if (mine === undefined) return all();
  const links: LinkId[] = [];
  for (const member of state.members.values()) {
    if (!isLinked(member) || except.includes(member.id)) continue;
    if (depth.has(member.id) && (depth.get(member.id) ?? 0) <= mine) continue;
    // Its parent: the smallest id linked with it one hop nearer the origin.
    let parent: string | undefined;
    for (const peer of around(member.id))
      if (depth.get(peer) === mine && (parent === undefined || peer < parent)) parent = peer;
    if (parent === self) links.push(member.link);
  }
  return links;
}

/** Notes the newest seq of `stream` this node holds, for the next `ihave` to its links. */
export function noteForLazy(state: NodeState, stream: string, seq: number, at: number): NodeState {
  if (!isBounded(state)) return state;
  const { ihave, ihaveSince } = state.chat;
  if ((ihave.get(stream) ?? 0) >= seq) return state;
  return withChat(state, { ihave: withEntry(ihave, stream, seq), ihaveSince: ihaveSince ?? at });
}

/** When the tree's timers are due: the next `ihave`, or the first message told of to pull. */
export function treeDue(state: NodeState): number | undefined {
  const { ihaveSince, announced } = state.chat;
  const graft = earliest(announced.values(), (told) => told.at + GRAFT_WAIT_MS);
  if (ihaveSince === undefined) return graft;
  return Math.min(ihaveSince + IHAVE_BATCH_MS, graft ?? Number.POSITIVE_INFINITY);
}

/** Sends the `ihave` gathered to every link; grafts what is still missing. */
export function runTree(state: NodeState, at: number, out: Effect[]): NodeState {
  let next = state;
  const { ihave, ihaveSince } = state.chat;
  if (ihaveSince !== undefined && at >= ihaveSince + IHAVE_BATCH_MS) {
    const every: LinkId[] = [];
    for (const member of state.members.values()) if (isLinked(member)) every.push(member.link);
    if (every.length > 0)
      out.push({
        kind: 'send',
        links: every,
        frame: { type: 'ihave', vector: Object.fromEntries(ihave) },
      });
    const { ihaveSince: _since, ...chat } = next.chat;
    next = { ...next, chat: { ...chat, ihave: new Map() } };
  }
  return graftMissing(next, at, out);
}

/** Messages told of GRAFT_WAIT_MS ago and still missing: graft the link that told, and pull them there. */
function graftMissing(state: NodeState, at: number, out: Effect[]): NodeState {
  const { vector, retired } = state.chat.delivery;
  const announced = new Map(state.chat.announced);
  const wanted = new Map<string, string[]>();
  for (const [stream, told] of state.chat.announced) {
    if (at < told.at + GRAFT_WAIT_MS) continue;
    announced.delete(stream);
    if (doneOf(vector, retired, stream) >= told.seq) continue;
    wanted.set(told.from, [...(wanted.get(told.from) ?? []), stream]);
  }
  if (announced.size === state.chat.announced.size) return state;
  const next = withChat(state, { announced });
  for (const [id, streams] of wanted) {
    const member = next.members.get(id);
    if (member === undefined || !isLinked(member)) continue;
    const have = Object.fromEntries(
      streams.map((stream) => [stream, doneOf(vector, retired, stream)]),
    );
    out.push({ kind: 'send', links: [member.link], frame: { type: 'graft', vector: have } });
  }
  return next;
}

/** An `ihave` from a linked member: the messages of present streams it names that this node lacks. */
export function onIhave(
  state: NodeState,
  member: Member,
  frame: IhaveFrame,
  at: number,
): NodeState {
  const { vector, retired, held } = state.chat.delivery;
  const bounded = isBounded(state);
  let announced: Map<string, Announced> | undefined;
  for (const [stream, seq] of Object.entries(frame.vector)) {
    if (doneOf(vector, retired, stream) >= seq || !isPresentStream(state, stream, bounded))
      continue;
    if (held.get(stream)?.has(seq) === true) continue;
    const told = (announced ?? state.chat.announced).get(stream);
    if (told !== undefined && told.seq >= seq) continue;
    announced ??= new Map(state.chat.announced);
    announced.set(stream, { seq, from: told?.from ?? member.id, at: told?.at ?? at });
  }
  return announced === undefined ? state : withChat(state, { announced });
}

/**
 * A graft: its member is sent what it lacks of the streams it names as live
 * frames (not replays), within the link's answer budget: it passes them on
 * down its own part of the tree, as the tree would have.
 */
export function onGraft(
  state: NodeState,
  member: Member,
  frame: GraftFrame,
  at: number,
  out: Effect[],
): NodeState {
  const link = member.link === undefined ? undefined : state.links.get(member.link);
  if (link === undefined) return state;
  const next = state;
  const live = replayFor(next.chat.log, frame.vector, Object.keys(frame.vector)).map(
    ({ replay: _replay, ...rest }) => rest,
  );
  return answerWithin(next, link, live, at, out);
}
