import { originOf } from '../protocol/frames.js';
import { forgetQuitMembers } from './member-life.js';
import type { NodeState } from './state.js';
import { ownStream, withChat } from './state.js';

/**
 * Keeps memory bounded over a long life: forgets the streams of members that
 * quit once none of their messages remain in the log or the held-back queue,
 * and all but the newest 256 quit members (forgetQuitMembers). (A stream whose origin this node
 * never linked with is kept: nothing tells it that such a member left.)
 */
export function forgetDeparted(state: NodeState): NodeState {
  let next = state;
  const { vector, held } = state.chat.delivery;
  const own = ownStream(state);
  let logged: Set<string> | undefined;
  let kept: Map<string, number> | undefined;
  for (const stream of vector.keys()) {
    const member = state.members.get(originOf(stream));
    if (stream === own || member?.state !== 'quit' || held.has(stream)) continue;
    logged ??= new Set(state.chat.log.map((message) => message.stream));
    if (logged.has(stream)) continue;
    kept ??= new Map(vector);
    kept.delete(stream);
  }
  if (kept !== undefined)
    next = withChat(next, { delivery: { ...next.chat.delivery, vector: kept } });
  return forgetQuitMembers(next);
}
