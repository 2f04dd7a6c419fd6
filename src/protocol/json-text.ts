import type { ChatFrame, ChatMessage, Frame } from './frames.js';

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

const messagesCache = new WeakMap<readonly ChatMessage[], string>();

/**
 * `JSON.stringify(msgs)`, kept per array: signing, sending and verifying a
 * burst serialise it once. The messages a node frames itself come with their
 * JSON (rememberMessagesJson); received ones are serialised natively, which
 * is canonical because the validator builds every message as `{text, time}`
 * or `{text, time, action: true}`.
 */
export function messagesJson(msgs: readonly ChatMessage[]): string {
  let json = messagesCache.get(msgs);
  if (json === undefined) {
    json = JSON.stringify(msgs);
    messagesCache.set(msgs, json);
  }
  return json;
}

/** Keeps the JSON of messages serialised while they were framed (it must be `JSON.stringify(msgs)`). */
export function rememberMessagesJson(msgs: readonly ChatMessage[], json: string): void {
  messagesCache.set(msgs, json);
}

function chatFrameJson(frame: ChatFrame): string {
  const replay = frame.replay === undefined ? '' : `,"replay":${frame.replay}`;
  return (
    `{"type":"chat","origin":${quote(frame.origin)},"inc":${quote(frame.inc)},` +
    `"name":${quote(frame.name)},"seq":${frame.seq},"deps":${JSON.stringify(frame.deps)},` +
    `"msgs":${messagesJson(frame.msgs)}${replay},"key":${quote(frame.key)},"sig":${quote(frame.sig)}}`
  );
}

/** A frame as it goes on the wire, without its line end. */
export function frameJson(frame: Frame): string {
  return frame.type === 'chat' ? chatFrameJson(frame) : JSON.stringify(frame);
}
