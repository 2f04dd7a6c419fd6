import { streamOf } from '../protocol/frames.js';
import { doneOf } from './delivery.js';
import type { NodeState } from './state.js';
import { ownStream } from './state.js';

/**
 * The streams of the members present: what `deps` speak of, so a room's
 * metadata follows who is here, never its history. Present are this node's
 * own stream and each linked member's current one (the `inc` of its hello):
 * at most one per link. A member that quit or was lost, an older incarnation,
 * a member only heard of, and an origin that is no member at all have none.
 */
export function presentStreams(state: NodeState): Set<string> {
  const present = new Set([ownStream(state)]);
  for (const member of state.members.values())
    if (member.state === 'linked' && member.inc !== undefined)
      present.add(streamOf(member.id, member.inc));
  return present;
}

/** Members that left remembered in a `have`: the newest lost ones. */
export const MAX_LOST_IN_HAVE = 32;

/**
 * What a `have` speaks of, with how far each is delivered: the streams
 * present, and the last stream of each of the newest MAX_LOST_IN_HAVE members
 * lost (a crash), so that what one sent just before it went reaches everyone
 * who lacks it (members that quit confirmed their lines before leaving).
 */
export function haveStreams(state: NodeState): Map<string, number> {
  const { vector, retired } = state.chat.delivery;
  const streams = new Map<string, number>();
  for (const stream of presentStreams(state)) streams.set(stream, doneOf(vector, retired, stream));
  const lost = [...state.members.values()]
    .filter((member) => member.state === 'lost' && member.inc !== undefined)
    .sort((a, b) => (b.lostAt ?? 0) - (a.lostAt ?? 0))
    .slice(0, MAX_LOST_IN_HAVE);
  for (const member of lost) {
    const stream = streamOf(member.id, member.inc ?? '');
    streams.set(stream, doneOf(vector, retired, stream));
  }
  return streams;
}
