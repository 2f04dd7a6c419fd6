import type { HelloFrame } from '../protocol/frames.js';
import { announcementOf } from './announcement.js';
import { withEntry } from './collections.js';
import type { Effect } from './effect.js';
import { sendHave, sendMembership } from './gossip.js';
import type { Link, Member, NodeState } from './state.js';

/** Of two links between the same pair, both ends keep the one the smaller id dialled. */
function isPreferred(state: NodeState, link: Link, peerId: string): boolean {
  const dialer = link.direction === 'out' ? state.config.id : peerId;
  return dialer === (state.config.id < peerId ? state.config.id : peerId);
}

/**
 * A second link to a linked member: keep the preferred one, say `bye duplicate`
 * on the other. A kept new link speaks for the member as its hello says (a
 * restart in between brings a new incarnation), and catches up.
 */
export function secondLink(
  state: NodeState,
  known: Member,
  link: Link,
  hello: HelloFrame,
  out: Effect[],
): NodeState {
  const current = known.link === undefined ? undefined : state.links.get(known.link);
  // Both dialled by one node (a redial while the other end still holds the old link): the newer
  // is kept, the live one. Else both ends keep the one the smaller id dialled.
  const sameDialer = current !== undefined && current.direction === link.direction;
  if (current !== undefined && !sameDialer && !isPreferred(state, link, known.id)) {
    out.push({ kind: 'send', links: [link.id], frame: { type: 'bye', reason: 'duplicate' } });
    out.push({ kind: 'close', link: link.id, graceful: true });
    return state;
  }
  if (current !== undefined) {
    out.push({ kind: 'send', links: [current.id], frame: { type: 'bye', reason: 'duplicate' } });
    out.push({ kind: 'close', link: current.id, graceful: true });
  }
  const { swappingSince: _swap, ...rest } = known;
  const { inc, key, name } = hello;
  // A new incarnation confirmed none of this node's lines yet (a restart in between).
  const confirmed = rest.inc === inc ? rest.confirmed : 0;
  const ann = announcementOf(hello);
  const member: Member = { ...rest, link: link.id, inc, key, name, ann, confirmed };
  const next = { ...state, members: withEntry(state.members, known.id, member) };
  // The same exchange as a new link's: who is here, and what each has.
  sendMembership(next, link.id, known.id, out);
  sendHave(next, link.id, out);
  return next;
}
