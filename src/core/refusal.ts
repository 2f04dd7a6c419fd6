import { withoutEntry } from './collections.js';
import { settleInitial } from './dialing.js';
import type { Effect } from './effect.js';
import type { DialPurpose } from './event.js';
import { dialFailed } from './member-life.js';
import { redialFailed } from './redial.js';
import { initialFailed, stopRetrying } from './retry.js';
import type { Link, NodeState } from './state.js';
import type { Warning } from './warning.js';

/** Links that carry no member: refused in their handshake, or ended before it was done. */

/** A link that will carry no member: out of the table; a named peer on it is not tried again. */
export function dropLink(state: NodeState, link: Link): NodeState {
  const next = settleInitial({ ...state, links: withoutEntry(state.links, link.id) }, link);
  return link.target === undefined ? next : stopRetrying(next, link.target);
}

/** A peer refused by this node: not a member; it is warned about and the link is ended. */
export function refuse(state: NodeState, link: Link, warning: Warning, out: Effect[]): NodeState {
  out.push({ kind: 'warn', warning });
  out.push({ kind: 'close', link: link.id, graceful: true });
  return dropLink(state, link);
}

/** A dial that never became a member: undo what it promised. */
export function dialEnded(
  state: NodeState,
  purpose: DialPurpose | undefined,
  at: number,
  out: Effect[],
): NodeState {
  if (purpose?.kind === 'redial') return redialFailed(state, purpose.member, at, out);
  if (purpose?.kind === 'gossip') return dialFailed(state, purpose.member);
  return state;
}

/**
 * A link (out of the table already) that ended before its handshake was done:
 * a named peer is tried again, like one that is not up; any other dial failed.
 */
export function endedUnjoined(
  state: NodeState,
  link: Link,
  reason: string,
  at: number,
  out: Effect[],
): NodeState {
  const next = settleInitial(state, link);
  if (link.purpose?.kind === 'initial' && link.target !== undefined)
    return initialFailed(next, link.target, reason, at, out);
  return dialEnded(next, link.purpose, at, out);
}

/**
 * Whether a peer with `id` would be one member over --max-links. Only members
 * whose handshake is done count; one linked already only moves to a new link.
 */
export function isFull(state: NodeState, id: string): boolean {
  if (id === state.config.id || state.members.get(id)?.state === 'linked') return false;
  let linked = 0;
  for (const member of state.members.values()) if (member.state === 'linked') linked += 1;
  return linked >= state.config.maxLinks;
}

/**
 * This node has --max-links members: the link is ended, and a dial on it
 * counts as failed (a named peer is tried again: a member may leave).
 */
export function refuseFull(
  state: NodeState,
  link: Link,
  name: string,
  at: number,
  out: Effect[],
): NodeState {
  const { maxLinks } = state.config;
  out.push({ kind: 'warn', warning: { code: 'full', name, remote: link.remote, maxLinks } });
  out.push({ kind: 'close', link: link.id, graceful: true });
  const reason = `this node is linked with ${maxLinks} members already`;
  return endedUnjoined(
    { ...state, links: withoutEntry(state.links, link.id) },
    link,
    reason,
    at,
    out,
  );
}
