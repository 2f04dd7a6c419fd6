import { originOf } from '../protocol/frames.js';
import { showDelivered } from './chat.js';
import { skipTo } from './delivery-gaps.js';
import type { Effect } from './effect.js';
import type { NodeState } from './state.js';
import { ownStream, withChat } from './state.js';

/** Streams a peer can no longer resend, adopted where this node never saw them: start there. */
export function adoptFloors(
  state: NodeState,
  floor: Readonly<Record<string, number>>,
  out: Effect[],
): NodeState {
  const adopt = new Map<string, number>();
  const own = ownStream(state);
  for (const stream of Object.keys(floor)) {
    if (stream !== own && !state.chat.delivery.vector.has(stream))
      adopt.set(stream, floor[stream] ?? 0);
  }
  if (adopt.size === 0) return state;
  const result = skipTo(state.chat.delivery, adopt, 'causal');
  return showDelivered(withChat(state, { delivery: result.state }), result.delivered, out);
}

/** Gives up on predecessors nobody sent within the wait: a visible gap, never a stall. */
export function declareGaps(
  state: NodeState,
  floors: ReadonlyMap<string, number>,
  out: Effect[],
): NodeState {
  if (floors.size === 0) return state;
  for (const [stream, floor] of floors) {
    const missing = floor - (state.chat.delivery.vector.get(stream) ?? 0);
    if (missing <= 0) continue;
    const origin = originOf(stream);
    out.push({ kind: 'emit', event: { event: 'gap', origin, missing } });
  }
  const result = skipTo(state.chat.delivery, floors, 'causal');
  return showDelivered(withChat(state, { delivery: result.state }), result.delivered, out);
}
