import { originOf } from '../protocol/frames.js';
import { forgetQuitMembers } from './member-life.js';
import type { NodeState } from './state.js';
import { ownStream, withChat } from './state.js';

/** Retired streams remembered (their last seq, so replays stay duplicates); the oldest go first. */
export const MAX_RETIRED = 4096;

/**
 * Keeps memory bounded over a long life: retires the streams of members that
 * quit once none of their messages remain in the log or the held-back queue
 * (out of the vector, so out of every frame's deps, but remembered with their
 * last seq), and forgets all but the newest 256 quit members
 * (forgetQuitMembers). (A stream whose origin this node never linked with is
 * kept: nothing tells it that such a member left.)
 */
export function forgetDeparted(state: NodeState): NodeState {
  let next = state;
  const { vector, held } = state.chat.delivery;
  const own = ownStream(state);
  let logged: Set<string> | undefined;
  let kept: Map<string, number> | undefined;
  let retired: Map<string, number> | undefined;
  for (const [stream, seq] of vector) {
    const member = state.members.get(originOf(stream));
    if (stream === own || member?.state !== 'quit' || held.has(stream)) continue;
    logged ??= new Set(state.chat.log.map((message) => message.stream));
    if (logged.has(stream)) continue;
    kept ??= new Map(vector);
    kept.delete(stream);
    retired ??= new Map(state.chat.delivery.retired);
    retired.set(stream, seq);
  }
  if (kept !== undefined && retired !== undefined) {
    for (const stream of retired.keys()) {
      if (retired.size <= MAX_RETIRED) break;
      retired.delete(stream);
    }
    next = withChat(next, { delivery: { ...next.chat.delivery, vector: kept, retired } });
  }
  return forgetQuitMembers(next);
}
