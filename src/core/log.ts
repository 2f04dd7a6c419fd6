import type { ChatFrame, ChatMessage, VectorRecord } from '../protocol/frames.js';
import { MAX_FRAME_BYTES } from '../protocol/frames.js';
import { quotedBytes } from '../protocol/json-text.js';
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

/** A burst's frame before it is signed. */
export type UnsignedChat = Omit<ChatFrame, 'key' | 'sig'>;

/** Room left in a frame for the fields around the messages. */
const FRAME_BUDGET = MAX_FRAME_BYTES - 16 * 1024;

/** The encoded size of a message in a chat frame, exact only when it might matter. */
function encodedSize(message: ChatMessage): number {
  // Exact (the message as it will be written, plus its comma): a loose bound would cut bursts
  // into more frames than needed, and every frame costs a signature.
  // {"text":…,"time":…} is 17 bytes around the two strings; `,"action":true` 14 more.
  return quotedBytes(message.text) + quotedBytes(message.time) + 17 + (message.action ? 14 : 0) + 1;
}

/** Bytes a chat frame needs besides its messages: the fields around them, and its deps. */
function frameOverhead(deps: VectorRecord): number {
  // name ≤ 32 characters (≤ 192 bytes escaped), ids, key, signature, field names: under 1 KiB.
  return 1024 + Buffer.byteLength(JSON.stringify(deps));
}

/** True when one message alone would not fit in a frame. */
export function exceedsFrame(text: string): boolean {
  return (
    text.length * 6 + 64 >= FRAME_BUDGET &&
    Buffer.byteLength(JSON.stringify({ text, time: '' })) > FRAME_BUDGET
  );
}

/**
 * Turns logged messages into chat frames: a run of one stream's consecutive
 * messages that share their deps becomes one frame, split where a frame would
 * pass the size limit.
 */
export function framesOf(messages: readonly Omit<Logged, 'frame'>[]): UnsignedChat[] {
  const frames: UnsignedChat[] = [];
  let run: Omit<Logged, 'frame'>[] = [];
  let size = 0;
  let budget = 0;
  const flush = (): void => {
    const first = run[0];
    if (first === undefined) return;
    const msgs = run.map(({ text, time, action }) =>
      action ? { text, time, action } : { text, time },
    );
    frames.push({
      type: 'chat',
      origin: first.origin,
      inc: first.inc,
      name: first.name,
      seq: first.seq,
      deps: first.deps,
      msgs,
    });
    run = [];
    size = 0;
  };
  for (const message of messages) {
    const last = run.at(-1);
    const bytes = encodedSize(message);
    const continues =
      last !== undefined &&
      last.stream === message.stream &&
      last.seq + 1 === message.seq &&
      last.deps === message.deps;
    if (!continues || size + bytes > budget) {
      flush();
      budget = MAX_FRAME_BYTES - frameOverhead(message.deps);
    }
    run.push(message);
    size += bytes;
  }
  flush();
  return frames;
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
 * order, each once and unchanged (their signatures still hold), marked replay.
 */
export function replayFor(log: readonly Logged[], theirs: VectorRecord): ChatFrame[] {
  const frames = new Set<ChatFrame>();
  for (const message of log)
    if (message.seq > (theirs[message.stream] ?? 0)) frames.add(message.frame);
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
