import type { ChatFrame, ChatMessage } from '../protocol/frames.js';
import { MAX_FRAME_BYTES, messageId } from '../protocol/frames.js';
import type { Effect } from './effect.js';
import { labelOf } from './labels.js';
import type { NodeState } from './state.js';
import { activeLinks } from './state.js';

/** Room left in a frame for the fields around the messages. */
const FRAME_BUDGET = MAX_FRAME_BYTES - 1024;

/** The encoded size of a message in a chat frame, exact only when it might matter. */
function encodedSize(message: ChatMessage): number {
  // JSON escapes a UTF-16 unit into at most 6 bytes; most lines are far from the budget.
  const bound = message.text.length * 6 + 64;
  if (bound < FRAME_BUDGET / 8) return bound;
  return Buffer.byteLength(JSON.stringify(message));
}

/** Splits a burst into frames that each fit the frame limit. */
export function chatFrames(
  origin: string,
  name: string,
  firstSeq: number,
  msgs: readonly ChatMessage[],
): ChatFrame[] {
  const frames: ChatFrame[] = [];
  let batch: ChatMessage[] = [];
  let size = 0;
  let seq = firstSeq;
  for (const message of msgs) {
    const bytes = encodedSize(message);
    if (batch.length > 0 && size + bytes > FRAME_BUDGET) {
      frames.push({ type: 'chat', origin, name, seq, msgs: batch });
      seq += batch.length;
      batch = [];
      size = 0;
    }
    batch.push(message);
    size += bytes;
  }
  if (batch.length > 0) frames.push({ type: 'chat', origin, name, seq, msgs: batch });
  return frames;
}

/** True when one message alone would not fit in a frame. */
export function exceedsFrame(text: string): boolean {
  return (
    text.length * 6 + 64 >= FRAME_BUDGET &&
    Buffer.byteLength(JSON.stringify({ text, time: '' })) > FRAME_BUDGET
  );
}

/** Sends this node's lines to every linked member, as few frames as fit. */
export function sendChat(
  state: NodeState,
  texts: readonly string[],
  at: number,
  out: Effect[],
): NodeState {
  if (texts.length === 0) return state;
  const time = new Date(at).toISOString();
  const msgs = texts.map((text) => ({ text, time }));
  const links = activeLinks(state);
  const { id, name } = state.config;
  if (links.length > 0) {
    for (const frame of chatFrames(id, name, state.seq + 1, msgs))
      out.push({ kind: 'send', links, frame });
  }
  return { ...state, seq: state.seq + texts.length };
}

/** Shows the messages of a chat frame from a linked member. */
export function onChat(state: NodeState, frame: ChatFrame, out: Effect[]): NodeState {
  const label = labelOf(state, frame.origin, frame.name);
  frame.msgs.forEach((message, index) => {
    out.push({
      kind: 'emit',
      event: {
        event: 'message',
        from: frame.name,
        origin: frame.origin,
        id: messageId(frame.origin, frame.seq + index),
        text: message.text,
        time: message.time,
      },
      label,
    });
  });
  return state;
}
