import type { ChatFrame, Frame } from './frames.js';

/**
 * JSON text written by hand where it is hot: per message, a generic
 * `JSON.stringify` of an object costs microseconds, while most chat text is
 * plain ASCII that needs no escaping at all. Every function here produces
 * exactly what `JSON.stringify` would (test/protocol/json-text.test.ts checks
 * it on arbitrary strings); anything not plain falls back to it.
 */

/** Printable ASCII other than `"` and `\`: quoted as it is. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** True when `JSON.stringify(text)` is the text in quotes, unchanged. */
export function isPlain(text: string): boolean {
  return PLAIN.test(text);
}

/** `JSON.stringify(text)`. */
export function quote(text: string): string {
  return PLAIN.test(text) ? `"${text}"` : JSON.stringify(text);
}

/** `JSON.stringify(texts)`: what signing, sending and verifying a burst serialise. */
export function textsJson(texts: readonly string[]): string {
  return JSON.stringify(texts);
}

function chatFrameJson(frame: ChatFrame): string {
  const replay = frame.replay === undefined ? '' : `,"replay":${frame.replay}`;
  const acts = frame.acts === undefined ? '' : `,"acts":${JSON.stringify(frame.acts)}`;
  return (
    `{"type":"chat","origin":${quote(frame.origin)},"inc":${quote(frame.inc)},` +
    `"name":${quote(frame.name)},"seq":${frame.seq},"deps":${JSON.stringify(frame.deps)},` +
    `"time":${quote(frame.time)},"texts":${textsJson(frame.texts)}${acts}${replay},` +
    `"key":${quote(frame.key)},"sig":${quote(frame.sig)}}`
  );
}

/** A frame as it goes on the wire, without its line end. */
export function frameJson(frame: Frame): string {
  return frame.type === 'chat' ? chatFrameJson(frame) : JSON.stringify(frame);
}
