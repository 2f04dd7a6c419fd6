import type { Causal, DeliveryState } from './delivery.js';
import { drain, frozen, skipTo, working } from './delivery-working.js';

/**
 * Where a stream this node has never delivered from starts: just below the
 * lowest of its messages received in the catch-ups of the first links, that
 * is within a short window after the first `have`. Those messages are
 * history, not a gap. Nothing a peer says (its `floor`) moves a stream.
 */

/** The first `have` opens the window; later ones change nothing. */
export function openStartWindow<M extends Causal>(
  state: DeliveryState<M>,
  at: number,
  lengthMs: number,
): DeliveryState<M> {
  if (state.window.phase !== 'before') return state;
  return { ...state, window: { phase: 'open', until: at + lengthMs } };
}

/** Due only while something waits: an idle node does not wake for it (a late tick closes it). */
export function startWindowDue<M extends Causal>(state: DeliveryState<M>): number | undefined {
  return state.window.phase === 'open' && state.heldCount > 0 ? state.window.until : undefined;
}

/** At the window's end: each stream never delivered from starts below its lowest held message. */
export function closeStartWindow<M extends Causal>(
  state: DeliveryState<M>,
  at: number,
): { state: DeliveryState<M>; delivered: readonly M[] } {
  const { window } = state;
  if (window.phase !== 'open' || at < window.until) return { state, delivered: [] };
  const work = working(state);
  for (const [stream, queue] of work.held) {
    if (work.vector.has(stream) || work.retired.has(stream)) continue;
    // Only what arrived within the window counts (the tick that closes it may come late).
    let lowest = Number.POSITIVE_INFINITY;
    for (const entry of queue.values()) {
      if (entry.since > window.until) break;
      lowest = Math.min(lowest, entry.message.seq);
    }
    // It starts below every message of it held, late ones too: none is left below the start.
    if (lowest !== Number.POSITIVE_INFINITY) lowest = Math.min(...queue.keys());
    if (lowest > 1 && lowest !== Number.POSITIVE_INFINITY) skipTo(work, stream, lowest - 1);
  }
  const out: M[] = [];
  drain(work, 'causal', out);
  return { state: frozen(work, { phase: 'after' }), delivered: out };
}

/**
 * The origin's own word (its `have`, on its own link): a stream never delivered
 * from, with nothing of it here, starts at the origin's floor — the messages it
 * can no longer resend, which no one else is asked for. Only the origin can say so.
 */
export function startAtOriginFloor<M extends Causal>(
  state: DeliveryState<M>,
  stream: string,
  floor: number,
): { state: DeliveryState<M>; delivered: readonly M[] } {
  if (floor <= 0 || state.vector.has(stream) || state.retired.has(stream) || state.held.has(stream))
    return { state, delivered: [] };
  const work = working(state);
  skipTo(work, stream, floor);
  const out: M[] = [];
  drain(work, 'causal', out);
  return { state: frozen(work, state.window), delivered: out };
}
