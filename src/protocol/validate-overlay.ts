import type { Obj, Validated } from './field-checks.js';
import {
  everyOrUndefined,
  fail,
  isInt,
  isObj,
  isStr,
  isStream,
  isToken,
  MAX_LIST,
  vector,
} from './field-checks.js';
import type { Seen, View } from './frames.js';
import { goodbye, tokens } from './validate-control.js';

/** The frames of bounded links: views passed on, the broadcast tree's ihave and graft, ask and seen. */

/** A member's signed `links` passed on in `views`. */
function view(value: unknown): View | undefined {
  if (!isObj(value)) return undefined;
  const { id, inc, n, sig } = value;
  const peers = tokens(value.peers);
  const quit =
    value.quit === undefined ? undefined : everyOrUndefined(value.quit, MAX_LIST, goodbye);
  if (!isToken(id) || !isToken(inc) || !isInt(n, 1, Number.MAX_SAFE_INTEGER) || !isStr(sig, 200))
    return undefined;
  if (peers === undefined || (value.quit !== undefined && quit === undefined)) return undefined;
  return { id, inc, n, peers, sig, ...(quit === undefined ? {} : { quit }) };
}

/** Views in one `views` frame at most. */
export const MAX_VIEWS = 1024;

export function validateViews(value: Obj): Validated {
  const views = everyOrUndefined(value.views, MAX_VIEWS, view);
  if (views === undefined) return fail('views: bad "views"');
  return { ok: true, frame: { type: 'views', views } };
}

export function validateIhave(value: Obj): Validated {
  const vec = vector(value.vector);
  if (vec === undefined) return fail('ihave: bad "vector"');
  return { ok: true, frame: { type: 'ihave', vector: vec } };
}

export function validateGraft(value: Obj): Validated {
  const vec = vector(value.vector);
  if (vec === undefined) return fail('graft: bad "vector"');
  return { ok: true, frame: { type: 'graft', vector: vec } };
}

export function validateAsk(value: Obj): Validated {
  const { origin, inc, seq, round, sig } = value;
  if (!isToken(origin)) return fail('ask: bad "origin"');
  if (!isToken(inc)) return fail('ask: bad "inc"');
  if (!isInt(seq, 1, Number.MAX_SAFE_INTEGER)) return fail('ask: bad "seq"');
  if (!isInt(round, 1, Number.MAX_SAFE_INTEGER)) return fail('ask: bad "round"');
  if (!isStr(sig, 200)) return fail('ask: bad "sig"');
  return { ok: true, frame: { type: 'ask', origin, inc, seq, round, sig } };
}

/** A confirmation passed back in `seen`. */
function seenEntry(value: unknown): Seen | undefined {
  if (!isObj(value)) return undefined;
  const { id, inc, of, seq, sig } = value;
  if (!isToken(id) || !isToken(inc) || !isStream(of) || !isStr(sig, 200)) return undefined;
  return isInt(seq, 0, Number.MAX_SAFE_INTEGER) ? { id, inc, of, seq, sig } : undefined;
}

/** Confirmations in one `seen` frame at most. */
export const MAX_SEEN = 1024;

export function validateSeen(value: Obj): Validated {
  const seen = everyOrUndefined(value.seen, MAX_SEEN, seenEntry);
  if (seen === undefined) return fail('seen: bad "seen"');
  return { ok: true, frame: { type: 'seen', seen } };
}
