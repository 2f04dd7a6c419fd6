import { withEntry } from './collections.js';
import type { Effect } from './effect.js';
import type { LinkId } from './event.js';
import { sendHave } from './gossip.js';
import type { NodeState } from './state.js';
import { ownStream, withChat } from './state.js';

/**
 * A joiner is caught up by one member, not all: a fresh node (nothing
 * delivered from anyone) asks its first link for everything, and for a start
 * window after that asks its other links for nothing (`want: []`); when the
 * window is over it asks them for what it still lacks. Otherwise a node asks
 * every new link for what it lacks, at once.
 */

function isFresh(state: NodeState): boolean {
  const { vector, retired } = state.chat.delivery;
  if (retired.size > 0) return false;
  for (const stream of vector.keys()) if (stream !== ownStream(state)) return false;
  return true;
}

/** The `have` a link is sent once its handshake is done. */
export function firstHave(state: NodeState, link: LinkId, at: number, out: Effect[]): NodeState {
  const asked = state.chat.catchUpAt;
  const waitMs = state.config.startWindowMs;
  if (asked !== undefined && at - asked < waitMs) {
    // Another link is catching this node up: ask this one for nothing now, for the rest later
    // (once the mesh formed, the have then names every member present).
    sendHave(state, link, out, []);
    const current = state.links.get(link);
    if (current === undefined) return state;
    const put = { ...current, haveDueAt: asked + waitMs };
    return { ...state, links: withEntry(state.links, link, put) };
  }
  sendHave(state, link, out);
  return isFresh(state) ? withChat(state, { catchUpAt: at }) : state;
}

/** When a put-off `have` is due: not before the start window closed (what came is then shown). */
function dueAt(state: NodeState, haveDueAt: number): number {
  const { window } = state.chat.delivery;
  return window.phase === 'open' ? Math.max(haveDueAt, window.until) : haveDueAt;
}

/** When the next put-off `have` is due. */
export function catchUpDue(state: NodeState): number | undefined {
  let due: number | undefined;
  for (const link of state.links.values()) {
    if (link.haveDueAt === undefined) continue;
    const at = dueAt(state, link.haveDueAt);
    if (due === undefined || at < due) due = at;
  }
  return due;
}

/** Sends the put-off `have` frames that are due: now each link is asked for what is missing. */
export function sendDueHaves(state: NodeState, at: number, out: Effect[]): NodeState {
  let links = state.links;
  for (const link of state.links.values()) {
    if (link.haveDueAt === undefined || dueAt(state, link.haveDueAt) > at) continue;
    const { haveDueAt: _due, ...rest } = link;
    links = withEntry(links, link.id, rest);
    if (link.peer !== undefined) sendHave(state, link.id, out);
  }
  return links === state.links ? state : { ...state, links };
}
