import type { Member } from './state.js';

/**
 * The overlay as this node knows it, while links are bounded: whom each
 * member present is linked with, both ways, as the members' views say
 * (views.ts). It is worked out with who is reached (vouching.ts), whenever
 * a view or a member's presence changes, and read by the broadcast tree
 * (tree.ts) for every message, which adds this node's own links as they are now.
 */

export type OverlayGraph = ReadonlyMap<string, ReadonlySet<string>>;

const NONE: ReadonlySet<string> = new Set();

/** The views among the members present (`reached`, and this node `self`), as undirected edges. */
export function viewsGraph(
  members: ReadonlyMap<string, Member>,
  reached: ReadonlySet<string>,
  self: string,
): OverlayGraph {
  const graph = new Map<string, Set<string>>();
  const present = (id: string): boolean => id === self || reached.has(id);
  const half = (from: string, to: string): void => {
    const set = graph.get(from);
    if (set === undefined) graph.set(from, new Set([to]));
    else set.add(to);
  };
  for (const member of members.values()) {
    if (member.state !== 'linked' && member.state !== 'known') continue;
    if (!present(member.id)) continue;
    for (const peer of member.peers ?? []) {
      if (peer === member.id || !present(peer)) continue;
      half(member.id, peer);
      half(peer, member.id);
    }
  }
  return graph;
}

/**
 * Who is next to `id` in the overlay: its neighbours in the views' graph,
 * and this node's links as they are now (`linked`: the members present it
 * is linked with) added to those the others' views give it.
 */
export function neighboursIn(
  graph: OverlayGraph,
  linked: ReadonlySet<string>,
  self: string,
): (id: string) => Iterable<string> {
  return (id) => {
    const base = graph.get(id) ?? NONE;
    if (id === self) return base.size === 0 ? linked : new Set([...base, ...linked]);
    return linked.has(id) && !base.has(self) ? [...base, self] : base;
  };
}
