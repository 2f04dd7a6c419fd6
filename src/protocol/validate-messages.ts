import type { Obj, Validated } from './field-checks.js';
import {
  actionIndices,
  chatTexts,
  fail,
  isInt,
  isName,
  isObj,
  isStr,
  isToken,
  MAX_TEXT,
  vector,
} from './field-checks.js';
import type { SealedContent } from './frames.js';
import { MAX_FRAME_BYTES } from './frames.js';

/** The frames that carry messages: chat (to the group) and dm (to one member). */

export function validateChat(value: Obj): Validated {
  const { origin, inc, name, seq, replay } = value;
  if (!isToken(origin)) return fail('chat: bad "origin"');
  if (!isToken(inc)) return fail('chat: bad "inc"');
  if (!isName(name)) return fail('chat: bad "name"');
  if (!isInt(seq, 1, Number.MAX_SAFE_INTEGER)) return fail('chat: bad "seq"');
  const deps = vector(value.deps);
  if (deps === undefined) return fail('chat: bad "deps"');
  const { time, key, sig } = value;
  if (!isStr(time, 40)) return fail('chat: bad "time"');
  const texts = chatTexts(value.texts);
  if (texts === undefined) return fail('chat: bad "texts"');
  // Every message's seq is an exact integer: the last one too.
  // (Subtracting: `seq + length` itself may round past the limit.)
  if (seq > Number.MAX_SAFE_INTEGER - (texts.length - 1)) return fail('chat: "seq" too large');
  const acts = value.acts === undefined ? undefined : actionIndices(value.acts, texts.length);
  if (value.acts !== undefined && acts === undefined) return fail('chat: bad "acts"');
  if (replay !== undefined && typeof replay !== 'boolean') return fail('chat: bad "replay"');
  if (!isStr(key, 64)) return fail('chat: bad "key"');
  if (!isStr(sig, 200)) return fail('chat: bad "sig"');
  const frame = {
    type: 'chat',
    origin,
    inc,
    name,
    seq,
    deps,
    time,
    texts,
    ...(acts === undefined ? {} : { acts }),
    key,
    sig,
  } as const;
  return { ok: true, frame: replay === true ? { ...frame, replay } : frame };
}

/** Base64 of at most a frame's bytes. */
function isBase64(value: unknown): value is string {
  return isStr(value, MAX_FRAME_BYTES) && BASE64.test(value);
}
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * 32 bytes in canonical base64 (44 characters, one `=`, no stray bits): a key
 * has one spelling only, so no relay can pass on another spelling of it.
 */
function isKey32(value: unknown): value is string {
  return typeof value === 'string' && KEY32.test(value);
}
const KEY32 = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

export function validateDirect(value: Obj): Validated {
  const { origin, inc, dh, to, toInc, n, box, key, sig } = value;
  if (!isToken(origin)) return fail('dm: bad "origin"');
  if (!isToken(inc)) return fail('dm: bad "inc"');
  if (!isKey32(dh)) return fail('dm: bad "dh"');
  if (!isToken(to)) return fail('dm: bad "to"');
  if (!isToken(toInc)) return fail('dm: bad "toInc"');
  if (!isInt(n, 1, Number.MAX_SAFE_INTEGER)) return fail('dm: bad "n"');
  if (!isBase64(box)) return fail('dm: bad "box"');
  if (!isKey32(key)) return fail('dm: bad "key"');
  if (!isStr(sig, 200)) return fail('dm: bad "sig"');
  return { ok: true, frame: { type: 'dm', origin, inc, dh, to, toInc, n, box, key, sig } };
}

/**
 * A `dm`'s opened box, JSON: `{"name","text","time"}` (and `"action": true`)
 * for a message, `{"delivered": n}` for a receipt. Undefined when it is neither.
 */
export function sealedContent(plaintext: string): SealedContent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(plaintext);
  } catch {
    return undefined;
  }
  if (!isObj(value)) return undefined;
  const { name, text, time, action, delivered } = value;
  if (delivered !== undefined)
    return isInt(delivered, 1, Number.MAX_SAFE_INTEGER)
      ? { kind: 'receipt', delivered }
      : undefined;
  if (!isName(name) || typeof text !== 'string' || text.length > MAX_TEXT) return undefined;
  if (!isStr(time, 40) || (action !== undefined && typeof action !== 'boolean')) return undefined;
  return { kind: 'message', name, text, time, action: action === true };
}
