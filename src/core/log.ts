import type { ChatFrame, VectorRecord } from '../protocol/frames.js';
import type { Causal, Vector } from './delivery.js';

/** A delivered (or sent) message as the log keeps it, ready to be sent again. */
export interface Logged extends Causal {
  readonly origin: string;
  readonly inc: string;
  readonly name: string;
  readonly text: string;
  readonly time: string;
  /** Arrived in catch-up and was sent before this node started. */
  readonly history: boolean;
  readonly action: boolean;
  /** The signed frame it came in: catch-up sends that frame again, unchanged. */
  readonly frame: ChatFrame;
}

/** Appends to the log, keeping the newest `limit`. */
export function appendLog(
  log: readonly Logged[],
  added: readonly Logged[],
  limit: number,
): readonly Logged[] {
  if (added.length === 0) return log;
  const keep = Math.max(0, log.length + added.length - limit);
  const next = keep === 0 ? log.concat(added) : log.slice(Math.min(keep, log.length)).concat(added);
  return next.length > limit ? next.slice(next.length - limit) : next;
}

/**
 * The frames that carry what a peer with vector `theirs` lacks, in log (causal)
 * order, each once and unchanged (their signatures still hold), marked replay;
 * with `want`, only the messages of those streams; of a stream `theirs` does
 * not name, only when `unnamed` says so.
 */
export function replayFor(
  log: readonly Logged[],
  theirs: VectorRecord,
  want?: readonly string[],
  unnamed: (stream: string) => boolean = () => true,
): ChatFrame[] {
  const frames = new Set<ChatFrame>();
  const wanted = want === undefined ? undefined : new Set(want);
  for (const message of log) {
    const { stream } = message;
    const known = theirs[stream];
    if (wanted !== undefined ? !wanted.has(stream) : known === undefined && !unnamed(stream))
      continue;
    if (message.seq > (known ?? 0)) frames.add(message.frame);
  }
  return [...frames].map((frame) => (frame.replay === true ? frame : { ...frame, replay: true }));
}

/**
 * Per stream, the highest sequence number this node can no longer resend: the
 * one before its oldest logged message, or all it delivered when none is logged.
 */
export function logFloor(log: readonly Logged[], vector: Vector): Record<string, number> {
  const oldest = new Map<string, number>();
  for (const message of log)
    if (!oldest.has(message.stream)) oldest.set(message.stream, message.seq);
  const floor: Record<string, number> = {};
  for (const [stream, seq] of vector) {
    const first = oldest.get(stream);
    const value = first === undefined ? seq : first - 1;
    if (value > 0) floor[stream] = value;
  }
  return floor;
}

/** The messages of a signed frame, as the log keeps them. */
export function loggedOf(frame: ChatFrame, stream: string, history: boolean): Logged[] {
  const acts = frame.acts === undefined ? undefined : new Set(frame.acts);
  return frame.texts.map((text, index) => ({
    stream,
    seq: frame.seq + index,
    deps: frame.deps,
    origin: frame.origin,
    inc: frame.inc,
    name: frame.name,
    text,
    time: frame.time,
    history,
    action: acts?.has(index) === true,
    frame,
  }));
}
