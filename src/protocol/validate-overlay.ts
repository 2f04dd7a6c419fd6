import type { Obj, Validated } from './field-checks.js';
import {
  everyOrUndefined,
  fail,
  isInt,
  isObj,
  isStr,
  isToken,
  MAX_LIST,
  vector,
} from './field-checks.js';
import type { View } from './frames.js';
import { goodbye, tokens } from './validate-control.js';

/** The frames of a bounded overlay: views passed on, and the broadcast tree's ihave, prune, graft. */

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
