import { originOf } from '../protocol/frames.js';
import type { NodeState } from './state.js';
import { ownStream } from './state.js';

/** Members that quit kept for naming and for not redialling them; the oldest go first. */
const MAX_QUIT_MEMBERS = 256;

/**
 * Keeps memory bounded over a long life: forgets the streams of members that
 * quit once none of their messages remain in the log or the held-back queue,
 * and all but the newest 256 quit members. (A stream whose origin this node
 * never linked with is kept: nothing tells it that such a member left.)
 */
export function forgetDeparted(state: NodeState): NodeState {
  let next = state;
  const { vector, held } = state.delivery;
  const own = ownStream(state);
  let logged: Set<string> | undefined;
  let kept: Map<string, number> | undefined;
  for (const stream of vector.keys()) {
    const member = state.members.get(originOf(stream));
    if (stream === own || member?.state !== 'quit' || held.has(stream)) continue;
    logged ??= new Set(state.log.map((message) => message.stream));
    if (logged.has(stream)) continue;
    kept ??= new Map(vector);
    kept.delete(stream);
  }
  if (kept !== undefined) next = { ...next, delivery: { ...next.delivery, vector: kept } };
  const quit = [...next.members.values()].filter((member) => member.state === 'quit');
  if (quit.length > MAX_QUIT_MEMBERS) {
    const members = new Map(next.members);
    for (const member of quit.slice(0, quit.length - MAX_QUIT_MEMBERS)) members.delete(member.id);
    next = { ...next, members };
  }
  return next;
}
