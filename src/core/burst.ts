import type { ChatFrame, ChatMessage, VectorRecord } from '../protocol/frames.js';
import { MAX_FRAME_BYTES } from '../protocol/frames.js';
import { isPlain, quote, rememberMessagesJson } from '../protocol/json-text.js';
import type { Outgoing } from './state.js';

/** A burst's frame before it is signed. */
export type UnsignedChat = Omit<ChatFrame, 'key' | 'sig'>;

/** What the frames of one burst share: who sends, from where in its stream, after what. */
export interface BurstHeader {
  readonly origin: string;
  readonly inc: string;
  readonly name: string;
  /** The sequence number of the burst's first line. */
  readonly seq: number;
  readonly deps: VectorRecord;
  readonly time: string;
}

/** Room in a frame for the fields around the messages, besides the deps: under 1 KiB. */
const FIELDS_BYTES = 1024;

/** The most a frame's messages may take, with these deps. */
function budgetFor(deps: VectorRecord): number {
  // name ≤ 32 characters (≤ 192 bytes escaped), ids, key, signature, field names: under 1 KiB.
  return MAX_FRAME_BYTES - FIELDS_BYTES - Buffer.byteLength(JSON.stringify(deps));
}

/** UTF-8 bytes of a quoted text, and the quoted text. */
function quoted(text: string): { readonly json: string; readonly bytes: number } {
  if (isPlain(text)) return { json: `"${text}"`, bytes: text.length + 2 };
  const json = JSON.stringify(text);
  return { json, bytes: Buffer.byteLength(json) };
}

/** Room for one line's message: a frame keeps 16 KiB for everything else, deps included. */
const LINE_BUDGET = MAX_FRAME_BYTES - 16 * 1024;

/** True when one line alone would not fit in a frame. */
export function exceedsFrame(text: string): boolean {
  return text.length * 6 + 64 >= LINE_BUDGET && quoted(text).bytes + 64 > LINE_BUDGET;
}

/**
 * The frames that carry one burst of this node's lines: as few as fit the
 * frame limit, split exactly (every frame costs a signature). Each message is
 * serialised once, here; the frame's messages JSON is kept for signing and
 * sending (see json-text.ts).
 */
export function burstFrames(header: BurstHeader, lines: readonly Outgoing[]): UnsignedChat[] {
  const frames: UnsignedChat[] = [];
  const budget = budgetFor(header.deps);
  const time = quote(header.time);
  const timeBytes = Buffer.byteLength(time);
  let msgs: ChatMessage[] = [];
  let json = '';
  let size = 0;
  let seq = header.seq;
  const flush = (): void => {
    if (msgs.length === 0) return;
    rememberMessagesJson(msgs, `[${json}]`);
    const { origin, inc, name, deps } = header;
    frames.push({ type: 'chat', origin, inc, name, seq, deps, msgs });
    seq += msgs.length;
    msgs = [];
    json = '';
    size = 0;
  };
  for (const { text, action } of lines) {
    const q = quoted(text);
    // {"text":…,"time":…} is 17 bytes around the two strings; `,"action":true` 14 more; a comma.
    const bytes = q.bytes + timeBytes + 17 + (action ? 14 : 0) + 1;
    if (size + bytes > budget) flush();
    const one = `{"text":${q.json},"time":${time}${action ? ',"action":true' : ''}}`;
    json = json === '' ? one : `${json},${one}`;
    msgs.push(action ? { text, time: header.time, action: true } : { text, time: header.time });
    size += bytes;
  }
  flush();
  return frames;
}
