import { withEntry } from './collections.js';
import type { Effect } from './effect.js';
import { sendHave } from './gossip.js';
import type { Link, NodeState } from './state.js';

/**
 * Anti-entropy at the cost of one number: pings and pongs carry `sum`, the
 * total of the sender's vector (retired streams included). A member whose
 * sum stays above this node's while this node makes no progress has
 * something it lacks: it is asked with a `have` (once per sum it announces).
 */

/** What this node compared last on a link: its own sum then, and the peer sum it pulled for. */
export interface DigestSeen {
  readonly mine: number;
  readonly pulled?: number;
}

export function digestOf(state: NodeState): number {
  let sum = 0;
  for (const seq of state.chat.delivery.vector.values()) sum += seq;
  for (const seq of state.chat.delivery.retired.values()) sum += seq;
  return sum;
}

export function onDigest(state: NodeState, link: Link, sum: number, out: Effect[]): NodeState {
  const mine = digestOf(state);
  const seen = link.digest;
  let pulled = seen?.pulled;
  // Behind it, and no further on than at the last comparison: ask it for what this node lacks.
  if (sum > mine && seen?.mine === mine && sum !== pulled) {
    sendHave(state, link.id, out);
    pulled = sum;
  }
  const digest: DigestSeen = pulled === undefined ? { mine } : { mine, pulled };
  return { ...state, links: withEntry(state.links, link.id, { ...link, digest }) };
}
