import type { DirectFrame } from '../protocol/frames.js';
import type { ReplayWindow } from './replay-window.js';
import { take } from './replay-window.js';
import type { NodeState } from './state.js';
import { withDirect } from './state.js';

/** Sender streams writing to this node whose numbers are kept, at most (current ones are never forgotten). */
export const MAX_RECEIVED_SEQUENCES = 4096;
/** Sequences passed on toward others whose numbers are kept, at most. */
export const MAX_PASSED_SEQUENCES = 1024;

/** The stream of a direct message's sender. */
export function senderStream(frame: DirectFrame): string {
  return `${frame.origin}.${frame.inc}`;
}

/** True when `stream` is the current incarnation of a member this node knows and that has not quit. */
export function isCurrent(state: NodeState, stream: string): boolean {
  const [origin = '', inc] = stream.split('.', 2);
  const member = state.members.get(origin);
  return member !== undefined && member.state !== 'quit' && member.ann?.inc === inc;
}

/**
 * `map` with `key` set to `window`, moved to the end (the map's order is the
 * order of use, least recent first), and past `max` the least recently used
 * entry that `forgettable` allows dropped.
 */
function withWindow(
  map: ReadonlyMap<string, ReplayWindow>,
  key: string,
  window: ReplayWindow,
  max: number,
  forgettable: (key: string) => boolean,
): ReadonlyMap<string, ReplayWindow> {
  const next = new Map(map);
  next.delete(key);
  next.set(key, window);
  if (next.size <= max) return next;
  for (const old of next.keys()) {
    if (old !== key && forgettable(old)) {
      next.delete(old);
      break;
    }
  }
  return next;
}

/**
 * The state with the number of a direct message to this node taken in its
 * sender's sequence; undefined when it was seen before (a replay, or a copy by
 * another path). Only a current member incarnation's messages come here, so
 * the sequences of those are never forgotten; of the rest, the least recently
 * used goes past MAX_RECEIVED_SEQUENCES.
 */
export function takeReceived(state: NodeState, frame: DirectFrame): NodeState | undefined {
  const stream = senderStream(frame);
  const taken = take(state.direct.received.get(stream), frame.n);
  if (taken === undefined) return undefined;
  const received = withWindow(
    state.direct.received,
    stream,
    taken,
    MAX_RECEIVED_SEQUENCES,
    (old) => !isCurrent(state, old),
  );
  return withDirect(state, { received });
}

/** The same for one this node passes on: each once, the least recently used past the bound. */
export function takePassed(state: NodeState, frame: DirectFrame): NodeState | undefined {
  const sequence = `${senderStream(frame)}>${frame.to}`;
  const taken = take(state.direct.passed.get(sequence), frame.n);
  if (taken === undefined) return undefined;
  const passed = withWindow(state.direct.passed, sequence, taken, MAX_PASSED_SEQUENCES, () => true);
  return withDirect(state, { passed });
}
