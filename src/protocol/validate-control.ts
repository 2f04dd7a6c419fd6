import type { Obj, Validated } from './field-checks.js';
import {
  everyOrUndefined,
  fail,
  isFiniteNumber,
  isInt,
  isToken,
  MAX_LIST,
  vector,
} from './field-checks.js';
import type { ByeReason } from './frames.js';

/** The frames that keep links going: have, links, ping, pong, bye. */

const BYE_REASONS: readonly ByeReason[] = ['quit', 'incompatible', 'duplicate', 'refused'];

export function validateHave(value: Obj): Validated {
  const vec = vector(value.vector);
  const floor = vector(value.floor);
  if (vec === undefined) return fail('have: bad "vector"');
  if (floor === undefined) return fail('have: bad "floor"');
  return { ok: true, frame: { type: 'have', vector: vec, floor } };
}

export function validateLinks(value: Obj): Validated {
  const peers = everyOrUndefined(value.peers, MAX_LIST, (p) => (isToken(p) ? p : undefined));
  if (peers === undefined) return fail('links: bad "peers"');
  return { ok: true, frame: { type: 'links', peers } };
}

export function validatePing(value: Obj): Validated {
  const { t } = value;
  if (!isFiniteNumber(t)) return fail('ping: bad "t"');
  return { ok: true, frame: { type: 'ping', t } };
}

export function validatePong(value: Obj): Validated {
  const { t, seen } = value;
  if (!isFiniteNumber(t)) return fail('pong: bad "t"');
  if (seen === undefined) return { ok: true, frame: { type: 'pong', t } };
  if (!isInt(seen, 0, Number.MAX_SAFE_INTEGER)) return fail('pong: bad "seen"');
  return { ok: true, frame: { type: 'pong', t, seen } };
}

export function validateBye(value: Obj): Validated {
  const { reason, detail } = value;
  const known = BYE_REASONS.find((r) => r === reason);
  if (known === undefined) return fail('bye: bad "reason"');
  if (detail !== undefined && (typeof detail !== 'string' || detail.length > 500)) {
    return fail('bye: bad "detail"');
  }
  return {
    ok: true,
    frame:
      detail === undefined
        ? { type: 'bye', reason: known }
        : { type: 'bye', reason: known, detail },
  };
}
