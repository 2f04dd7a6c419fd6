import type { Obj, Validated } from './field-checks.js';
import {
  actionIndices,
  chatTexts,
  fail,
  isInt,
  isName,
  isStr,
  isToken,
  MAX_TEXT,
  vector,
} from './field-checks.js';

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

export function validateDirect(value: Obj): Validated {
  const { id, origin, inc, name, to, text, time, action } = value;
  if (!isStr(id, 200)) return fail('dm: bad "id"');
  if (!isToken(origin)) return fail('dm: bad "origin"');
  if (!isToken(inc)) return fail('dm: bad "inc"');
  if (!isName(name)) return fail('dm: bad "name"');
  if (!isToken(to)) return fail('dm: bad "to"');
  if (typeof text !== 'string' || text.length > MAX_TEXT) return fail('dm: bad "text"');
  if (!isStr(time, 40)) return fail('dm: bad "time"');
  if (action !== undefined && typeof action !== 'boolean') return fail('dm: bad "action"');
  const { key, sig } = value;
  if (!isStr(key, 64)) return fail('dm: bad "key"');
  if (!isStr(sig, 200)) return fail('dm: bad "sig"');
  const frame = { type: 'dm', id, origin, inc, name, to, text, time, key, sig } as const;
  return { ok: true, frame: action === true ? { ...frame, action } : frame };
}
