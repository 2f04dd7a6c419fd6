import { withEntry } from './collections.js';
import type { Effect } from './effect.js';
import { sendHave } from './gossip.js';
import { haveStreams } from './present.js';
import type { Link, NodeState } from './state.js';

/**
 * Anti-entropy at the cost of one number: pings and pongs carry `sum`, the
 * total of what the sender's `have` would say (see present.ts). A member whose
 * sum stays above this node's while this node makes no progress has
 * something it lacks: it is asked with a `have` — only for a sum above any
 * it was asked for before, and at most once per ping interval.
 */

/** What this node compared last on a link: its own sum then, the highest peer sum it pulled for, when. */
export interface DigestSeen {
  readonly mine: number;
  readonly pulled?: number;
  readonly pulledAt?: number;
}

/** The sum of what this node's `have` would say: two members with one view of the room agree. */
export function digestOf(state: NodeState): number {
  let sum = 0;
  for (const seq of haveStreams(state).values()) sum += seq;
  return sum;
}

export function onDigest(
  state: NodeState,
  link: Link,
  sum: number,
  at: number,
  out: Effect[],
  mine: number = digestOf(state),
): NodeState {
  const seen = link.digest;
  const recently = seen?.pulledAt !== undefined && at - seen.pulledAt < state.config.pingIntervalMs;
  // Behind it, and no further on than at the last comparison: ask it for what this node lacks.
  if (sum > mine && seen?.mine === mine && sum > (seen.pulled ?? 0) && !recently) {
    sendHave(state, link.id, out);
    return withDigest(state, link, { mine, pulled: sum, pulledAt: at });
  }
  return withDigest(state, link, { ...seen, mine });
}

function withDigest(state: NodeState, link: Link, digest: DigestSeen): NodeState {
  return { ...state, links: withEntry(state.links, link.id, { ...link, digest }) };
}
