import { originOf, streamOf } from '../protocol/frames.js';
import { forgetQuitMembers } from './member-life.js';
import type { NodeState } from './state.js';
import { ownStream, withChat } from './state.js';

/** Retired streams remembered (their last seq, so replays stay duplicates); the oldest go first. */
export const MAX_RETIRED = 4096;

/** Streams of one origin kept in the vector: its incarnations, newest first. */
export const MAX_STREAMS_PER_ORIGIN = 8;

/** Streams of members that quit, none of whose messages remain in the log or the held-back queue. */
function quitStreams(state: NodeState): string[] {
  const { vector, held } = state.chat.delivery;
  const own = ownStream(state);
  const out: string[] = [];
  let logged: Set<string> | undefined;
  for (const stream of vector.keys()) {
    const member = state.members.get(originOf(stream));
    if (stream === own || member?.state !== 'quit' || held.has(stream)) continue;
    logged ??= new Set(state.chat.log.map((message) => message.stream));
    if (!logged.has(stream)) out.push(stream);
  }
  return out;
}

/**
 * Older incarnations of an origin beyond MAX_STREAMS_PER_ORIGIN (a member that
 * mints streams, or restarts often): all but the newest, and never its current one.
 */
function extraIncarnations(state: NodeState): string[] {
  const { vector, held } = state.chat.delivery;
  const byOrigin = new Map<string, string[]>();
  for (const stream of vector.keys()) {
    const origin = originOf(stream);
    const streams = byOrigin.get(origin);
    if (streams === undefined) byOrigin.set(origin, [stream]);
    else streams.push(stream);
  }
  const out: string[] = [];
  for (const [origin, streams] of byOrigin) {
    if (streams.length <= MAX_STREAMS_PER_ORIGIN) continue;
    const member = state.members.get(origin);
    const current = member?.inc === undefined ? undefined : streamOf(origin, member.inc);
    let extra = streams.length - MAX_STREAMS_PER_ORIGIN;
    // The vector keeps the order streams were first delivered from: the oldest go first.
    for (const stream of streams) {
      if (extra === 0) break;
      if (stream === current || stream === ownStream(state) || held.has(stream)) continue;
      out.push(stream);
      extra -= 1;
    }
  }
  return out;
}

/**
 * Keeps memory bounded over a long life: retires the streams of members that
 * quit once none of their messages remain in the log or the held-back queue,
 * and an origin's incarnations beyond MAX_STREAMS_PER_ORIGIN (out of the
 * vector, so out of every frame's deps, but remembered with their last seq),
 * and forgets all but the newest 256 quit members (forgetQuitMembers). (A
 * stream whose origin this node never linked with is kept: nothing tells it
 * that such a member left.)
 */
export function forgetDeparted(state: NodeState): NodeState {
  const retiring = new Set([...quitStreams(state), ...extraIncarnations(state)]);
  if (retiring.size === 0) return forgetQuitMembers(state);
  const { delivery } = state.chat;
  const vector = new Map(delivery.vector);
  const retired = new Map(delivery.retired);
  const skipped = new Map(delivery.skipped);
  const passed = new Map(delivery.passed);
  for (const stream of retiring) {
    retired.set(stream, vector.get(stream) ?? 0);
    vector.delete(stream);
    skipped.delete(stream);
    passed.delete(stream);
  }
  for (const stream of retired.keys()) {
    if (retired.size <= MAX_RETIRED) break;
    retired.delete(stream);
  }
  const next = { ...delivery, vector, retired, skipped, passed };
  return forgetQuitMembers(withChat(state, { delivery: next }));
}
