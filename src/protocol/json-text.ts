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

/** `JSON.stringify(text)`. */
export function quote(text: string): string {
  return PLAIN.test(text) ? `"${text}"` : JSON.stringify(text);
}

/** The UTF-8 length of `JSON.stringify(text)`. */
export function quotedBytes(text: string): number {
  return PLAIN.test(text) ? text.length + 2 : Buffer.byteLength(JSON.stringify(text));
}

/** The JSON of one message as a frame carries it, its time already quoted. */
function messageJson(message: ChatMessage, quotedTime: string): string {
  const action = message.action === true ? ',"action":true' : '';
  return `{"text":${quote(message.text)},"time":${quotedTime}${action}}`;
}

const messagesCache = new WeakMap<readonly ChatMessage[], string>();

/**
 * `JSON.stringify(msgs)` for messages built as `{text, time}` or
 * `{text, time, action: true}` (as the node and the validator build them).
 * Kept per array: signing, sending and verifying a burst serialise it once.
 */
export function messagesJson(msgs: readonly ChatMessage[]): string {
  const cached = messagesCache.get(msgs);
  if (cached !== undefined) return cached;
  let json = '';
  // The messages of a burst share their time: quoted once.
  let time: string | undefined;
  let quotedTime = '';
  for (const message of msgs) {
    if (message.time !== time) {
      time = message.time;
      quotedTime = quote(time);
    }
    const one = messageJson(message, quotedTime);
    json = json === '' ? one : `${json},${one}`;
  }
  json = `[${json}]`;
  messagesCache.set(msgs, json);
  return json;
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
