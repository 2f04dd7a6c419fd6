import { withEntry } from './collections.js';
import type { Effect } from './effect.js';
import type { Link, NodeState } from './state.js';

/**
 * Closes a link at once. It stays in the table, marked closing (no timer
 * counts it any more), until its linkDown, which settles what waited on it.
 */
export function destroyLink(state: NodeState, link: Link, out: Effect[]): NodeState {
  out.push({ kind: 'close', link: link.id, graceful: false });
  return { ...state, links: withEntry(state.links, link.id, { ...link, closing: true }) };
}
