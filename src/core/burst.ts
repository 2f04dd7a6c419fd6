import type { ChatFrame } from '../protocol/frames.js';
import { MAX_BURST, MAX_FRAME_BYTES } from '../protocol/frames.js';
import { isPlain } from '../protocol/json-text.js';
import type { Outgoing } from './state.js';

/** A burst's frame before it is signed. */
export type UnsignedChat = Omit<ChatFrame, 'key' | 'sig'>;

/** What the frames of one burst share (`seq` is the first line's): who, where, after what, when. */
export type BurstHeader = Pick<ChatFrame, 'origin' | 'inc' | 'name' | 'seq' | 'deps' | 'time'>;

/** Room in a frame for the fields around the texts, besides the deps: under 1 KiB. */
const FIELDS_BYTES = 1024;

/** Room for one line's text: a frame keeps 16 KiB for everything else, deps included. */
const LINE_BUDGET = MAX_FRAME_BYTES - 16 * 1024;

/** UTF-8 bytes of `JSON.stringify(text)`. */
function quotedBytes(text: string): number {
  return isPlain(text) ? text.length + 2 : Buffer.byteLength(JSON.stringify(text));
}

/** True when one line alone would not fit in a frame. */
export function exceedsFrame(text: string): boolean {
  return text.length * 6 + 64 >= LINE_BUDGET && quotedBytes(text) + 64 > LINE_BUDGET;
}

/**
 * The frames that carry one burst of this node's lines: as few as fit the
 * frame limit, split exactly (every frame costs a signature).
 */
export function burstFrames(header: BurstHeader, lines: readonly Outgoing[]): UnsignedChat[] {
  const frames: UnsignedChat[] = [];
  // name ≤ 32 characters (≤ 192 bytes escaped), ids, time, key, signature, field names, and
  // up to 6 bytes per action index: the fields around the texts.
  const budget = MAX_FRAME_BYTES - FIELDS_BYTES - Buffer.byteLength(JSON.stringify(header.deps));
  let texts: string[] = [];
  let acts: number[] = [];
  let size = 0;
  let seq = header.seq;
  const flush = (): void => {
    if (texts.length === 0) return;
    const { origin, inc, name, time } = header;
    // Each part is a burst of its own: the later ones depend on nothing new (only on the first).
    const deps = frames.length === 0 ? header.deps : {};
    const frame = { type: 'chat' as const, origin, inc, name, seq, deps, time, texts };
    frames.push(acts.length === 0 ? frame : { ...frame, acts });
    seq += texts.length;
    texts = [];
    acts = [];
    size = 0;
  };
  for (const { text, action } of lines) {
    // The text and its comma, and for an action its index in `acts` (at most 5 digits and a comma).
    const bytes = quotedBytes(text) + 1 + (action ? 6 : 0);
    if (size + bytes > budget || texts.length === MAX_BURST) flush();
    if (action) acts.push(texts.length);
    texts.push(text);
    size += bytes;
  }
  flush();
  return frames;
}
