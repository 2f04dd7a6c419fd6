import { originOf, streamOf } from '../protocol/frames.js';
import type { NodeState } from './state.js';
import { ownStream } from './state.js';

/**
 * The streams of the members present: what `deps` and `have` speak of, so a
 * room's metadata follows who is here, never its history. Present are this
 * node's own stream, each linked member's current one (the `inc` of its
 * hello), and for a member known only by gossip the newest of its streams
 * delivered from. A member that quit or was lost, an older incarnation, and an
 * origin that is no member at all have no present stream.
 */
export function presentStreams(state: NodeState): Set<string> {
  const present = new Set([ownStream(state)]);
  const newest = new Map<string, string>();
  for (const member of state.members.values()) {
    if (member.state === 'lost' || member.state === 'quit') continue;
    if (member.inc !== undefined) present.add(streamOf(member.id, member.inc));
    else newest.set(member.id, '');
  }
  if (newest.size === 0) return present;
  // The vector keeps the order streams were first delivered from (or came back): newest last.
  for (const stream of state.chat.delivery.vector.keys()) {
    const origin = originOf(stream);
    if (newest.has(origin)) newest.set(origin, stream);
  }
  for (const stream of newest.values()) if (stream !== '') present.add(stream);
  return present;
}
