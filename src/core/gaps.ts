import { originOf, streamOf } from '../protocol/frames.js';
import { showDelivered } from './chat.js';
import type { DeliveryState } from './delivery.js';
import { resolveOverdue } from './delivery-overdue.js';
import { closeStartWindow, startAtOriginFloor } from './delivery-start.js';
import type { Effect } from './effect.js';
import type { Logged } from './log.js';
import type { Member, NodeState } from './state.js';
import { withChat } from './state.js';

/**
 * The other ways streams move: at the end of the catch-up window (a stream
 * never delivered from starts where its history does), and at the gap wait
 * (what nobody supplied is skipped; nothing is held longer).
 */

/** Takes the delivery a stream move made, and shows what it delivered (unchanged: the same state). */
function moved(
  state: NodeState,
  result: { readonly state: DeliveryState<Logged>; readonly delivered: readonly Logged[] },
  out: Effect[],
  unmet?: ReadonlySet<Logged>,
): NodeState {
  if (result.state === state.chat.delivery) return state;
  return showDelivered(withChat(state, { delivery: result.state }), result.delivered, out, unmet);
}

/** The catch-up window closed: streams never delivered from start below their oldest message. */
export function startStreams(state: NodeState, at: number, out: Effect[]): NodeState {
  return moved(state, closeStartWindow(state.chat.delivery, at), out);
}

/** A member's `have` on its own link: where its own stream starts, if this node has none of it. */
export function startFromOrigin(
  state: NodeState,
  member: Member,
  floor: Readonly<Record<string, number>>,
  out: Effect[],
): NodeState {
  if (member.inc === undefined) return state;
  const stream = streamOf(member.id, member.inc);
  return moved(state, startAtOriginFloor(state.chat.delivery, stream, floor[stream] ?? 0), out);
}

/** Who wrote a stream, for the gap event: its member, or the name on its held messages. */
function userOf(state: NodeState, stream: string): string {
  const member = state.members.get(originOf(stream));
  if (member !== undefined) return member.name;
  for (const entry of state.chat.delivery.held.get(stream)?.values() ?? [])
    return entry.message.name;
  return originOf(stream).slice(0, 8);
}

/** Gives up on what nobody sent within the gap wait: a visible gap, never a stall. */
export function resolveGaps(state: NodeState, at: number, out: Effect[]): NodeState {
  const result = resolveOverdue(state.chat.delivery, at, state.config.gapWaitMs);
  if (result.delivered.length === 0 && result.gaps.size === 0) return state;
  // Named before the move: the held messages carry the name.
  for (const [stream, missing] of result.gaps) {
    const origin = originOf(stream);
    out.push({
      kind: 'emit',
      event: { event: 'gap', origin, user: userOf(state, stream), missing },
    });
  }
  return moved(state, result, out, result.unmet);
}
