import { originOf, streamOf } from '../protocol/frames.js';
import { doneOf } from './delivery.js';
import { isBounded } from './overlay.js';
import type { NodeState } from './state.js';
import { ownStream } from './state.js';
import { isReachedHeard } from './vouching.js';

/**
 * The streams of the members present: what `deps` speak of, so a room's
 * metadata follows who is here, never its history. Present are this node's
 * own stream and each linked member's current one (the `inc` of its hello):
 * at most one per link. A member that quit or was lost, an older incarnation,
 * a member only heard of, and an origin that is no member at all have none.
 */
export function presentStreams(state: NodeState): Set<string> {
  const present = new Set([ownStream(state)]);
  const bounded = isBounded(state);
  for (const member of state.members.values()) {
    if (member.state === 'linked' && member.inc !== undefined)
      present.add(streamOf(member.id, member.inc));
    // Links bounded: a member reached through others is here as much as a linked one.
    else if (bounded && member.ann !== undefined && isReachedHeard(state, member))
      present.add(streamOf(member.id, member.ann.inc));
  }
  return present;
}

/** Whether `stream` is one of presentStreams, looked up for itself (no walk of the members). */
export function isPresentStream(state: NodeState, stream: string, bounded: boolean): boolean {
  if (stream === ownStream(state)) return true;
  const origin = originOf(stream);
  const member = state.members.get(origin);
  if (member === undefined) return false;
  if (member.state === 'linked' && member.inc !== undefined)
    return streamOf(origin, member.inc) === stream;
  return (
    bounded &&
    member.ann !== undefined &&
    streamOf(origin, member.ann.inc) === stream &&
    isReachedHeard(state, member)
  );
}

/** Members that left remembered in a `have`: the newest lost ones. */
export const MAX_LOST_IN_HAVE = 32;

/** Members only heard of (linked with others, not with this node) whose streams a `have` names. */
export const MAX_HEARD_IN_HAVE = 32;

/** The newest stream delivered from each of `origins`, as the vector and records keep them. */
function newestOf(state: NodeState, origins: ReadonlySet<string>): Map<string, string> {
  const newest = new Map<string, string>();
  if (origins.size === 0) return newest;
  const { vector, retired } = state.chat.delivery;
  // Newest last in each: the records (retired earlier), then the vector.
  for (const stream of [...retired.keys(), ...vector.keys()]) {
    const origin = originOf(stream);
    if (origins.has(origin)) newest.set(origin, stream);
  }
  return newest;
}

/**
 * What a `have` speaks of, with how far each is delivered: the streams
 * present; the last stream of each of the newest MAX_LOST_IN_HAVE members
 * lost (a crash), so that what one sent just before it went reaches everyone
 * who lacks it (members that quit confirmed their lines before leaving); and
 * the newest stream delivered from each of MAX_HEARD_IN_HAVE members only
 * heard of (a `--no-mesh` member linked with another node), so that a member
 * linked with it, whose have names it, is not asked for it again and again.
 */
export function haveStreams(
  state: NodeState,
  present: ReadonlySet<string> = presentStreams(state),
): Map<string, number> {
  const { vector, retired } = state.chat.delivery;
  const streams = new Map<string, number>();
  for (const stream of present) streams.set(stream, doneOf(vector, retired, stream));
  const lost = [...state.members.values()]
    .filter((member) => member.state === 'lost' && member.inc !== undefined)
    .sort((a, b) => (b.leftAt ?? 0) - (a.leftAt ?? 0))
    .slice(0, MAX_LOST_IN_HAVE);
  for (const member of lost) {
    const stream = streamOf(member.id, member.inc ?? '');
    streams.set(stream, doneOf(vector, retired, stream));
  }
  const heard = new Set<string>();
  for (const member of state.members.values()) {
    if (heard.size >= MAX_HEARD_IN_HAVE) break;
    // (A member lost while only heard of, never linked here, has no incarnation known: its newest.)
    const onlyHeard = member.state === 'lost' && member.inc === undefined;
    if (member.state === 'known' || member.state === 'connecting' || onlyHeard)
      heard.add(member.id);
  }
  for (const stream of newestOf(state, heard).values())
    streams.set(stream, doneOf(vector, retired, stream));
  return streams;
}
