import type { DirectFrame } from '../protocol/frames.js';
import type { ReplayWindow } from './replay-window.js';
import { take } from './replay-window.js';
import type { NodeState } from './state.js';
import { withDirect } from './state.js';

/** Sequences of direct messages whose numbers are remembered, at most. */
export const MAX_SEEN_SEQUENCES = 4096;

/** The sequence a direct message belongs to: its sender's stream and its addressee. */
function sequenceOf(frame: DirectFrame): string {
  return `${frame.origin}.${frame.inc}>${frame.to}`;
}

/**
 * A sequence that may be forgotten to make room: not one of a present
 * member's current incarnation writing to this node (forgetting such a one
 * would let its old messages be shown again).
 */
function forgettable(state: NodeState, sequence: string): boolean {
  const [stream = '', to] = sequence.split('>', 2);
  if (to !== state.config.id) return true;
  const [origin = '', inc] = stream.split('.', 2);
  const member = state.members.get(origin);
  return member === undefined || member.state === 'quit' || member.ann?.inc !== inc;
}

/**
 * The state with this direct message's number taken in its sequence;
 * undefined when that number was seen before (a replay, or a copy by another
 * path). Bounded: past MAX_SEEN_SEQUENCES, the least recently used sequence
 * that may be forgotten goes.
 */
export function takeDirect(state: NodeState, frame: DirectFrame): NodeState | undefined {
  const sequence = sequenceOf(frame);
  const window: ReplayWindow | undefined = state.direct.seen.get(sequence);
  const taken = take(window, frame.n);
  if (taken === undefined) return undefined;
  const seen = new Map(state.direct.seen);
  // Re-inserted: the map's order is the order of use, least recent first.
  seen.delete(sequence);
  seen.set(sequence, taken);
  if (seen.size > MAX_SEEN_SEQUENCES) {
    let victim: string | undefined;
    for (const key of seen.keys()) {
      if (forgettable(state, key)) {
        victim = key;
        break;
      }
    }
    const [oldest] = seen.keys();
    seen.delete(victim ?? oldest ?? sequence);
  }
  return withDirect(state, { seen });
}
