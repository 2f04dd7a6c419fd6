import type { Obj, Validated } from './field-checks.js';
import {
  everyOrUndefined,
  fail,
  isFiniteNumber,
  isInt,
  isObj,
  isStr,
  isStream,
  isToken,
  MAX_LIST,
  vector,
} from './field-checks.js';
import type { ByeReason, Goodbye } from './frames.js';
import { MAX_WANT } from './frames.js';

/** The frames that keep links going: have, links, ping, pong, bye. */

const BYE_REASONS: readonly ByeReason[] = ['quit', 'incompatible', 'duplicate', 'refused', 'shed'];

export function validateHave(value: Obj): Validated {
  const vec = vector(value.vector);
  const floor = vector(value.floor);
  if (vec === undefined) return fail('have: bad "vector"');
  if (floor === undefined) return fail('have: bad "floor"');
  const frame = { type: 'have', vector: vec, floor } as const;
  if (value.want === undefined) return { ok: true, frame };
  const want = everyOrUndefined(value.want, MAX_WANT, (s) => (isStream(s) ? s : undefined));
  if (want === undefined) return fail('have: bad "want"');
  return { ok: true, frame: { ...frame, want } };
}

export function validateLinks(value: Obj): Validated {
  const peers = tokens(value.peers);
  if (peers === undefined) return fail('links: bad "peers"');
  const quit =
    value.quit === undefined ? undefined : everyOrUndefined(value.quit, MAX_LIST, goodbye);
  if (value.quit !== undefined && quit === undefined) return fail('links: bad "quit"');
  const { n, sig } = value;
  if (n !== undefined && !isInt(n, 1, Number.MAX_SAFE_INTEGER)) return fail('links: bad "n"');
  if (sig !== undefined && !isStr(sig, 200)) return fail('links: bad "sig"');
  return {
    ok: true,
    frame: {
      type: 'links',
      peers,
      ...(quit === undefined ? {} : { quit }),
      // Only together: one without the other leaves the frame unsigned.
      ...(n === undefined || sig === undefined ? {} : { n, sig }),
    },
  };
}

export function tokens(value: unknown): string[] | undefined {
  return everyOrUndefined(value, MAX_LIST, (p) => (isToken(p) ? p : undefined));
}

/** A vector's sum: a number ≥ 0 (it may pass 2^53; it is compared, never counted on). */
function isSum(value: unknown): value is number {
  return isFiniteNumber(value) && value >= 0;
}

export function validatePing(value: Obj): Validated {
  const { t, sum } = value;
  if (!isFiniteNumber(t)) return fail('ping: bad "t"');
  if (sum === undefined) return { ok: true, frame: { type: 'ping', t } };
  if (!isSum(sum)) return fail('ping: bad "sum"');
  return { ok: true, frame: { type: 'ping', t, sum } };
}

export function validatePong(value: Obj): Validated {
  const { t, seen, sum } = value;
  if (!isFiniteNumber(t)) return fail('pong: bad "t"');
  if (seen !== undefined && !isInt(seen, 0, Number.MAX_SAFE_INTEGER))
    return fail('pong: bad "seen"');
  if (sum !== undefined && !isSum(sum)) return fail('pong: bad "sum"');
  return {
    ok: true,
    frame: {
      type: 'pong',
      t,
      ...(seen === undefined ? {} : { seen }),
      ...(sum === undefined ? {} : { sum }),
    },
  };
}

/** A goodbye passed on in `links`: whose (id, inc) and its signature. */
export function goodbye(value: unknown): Goodbye | undefined {
  if (!isObj(value)) return undefined;
  const { id, inc, sig } = value;
  return isToken(id) && isToken(inc) && isStr(sig, 200) ? { id, inc, sig } : undefined;
}

export function validateBye(value: Obj): Validated {
  const { reason, detail, sig } = value;
  const known = BYE_REASONS.find((r) => r === reason);
  if (known === undefined) return fail('bye: bad "reason"');
  if (detail !== undefined && (typeof detail !== 'string' || detail.length > 500)) {
    return fail('bye: bad "detail"');
  }
  if (sig !== undefined && !isStr(sig, 200)) return fail('bye: bad "sig"');
  if (sig !== undefined)
    return {
      ok: true,
      frame: { type: 'bye', reason: known, ...(detail === undefined ? {} : { detail }), sig },
    };
  return {
    ok: true,
    frame:
      detail === undefined
        ? { type: 'bye', reason: known }
        : { type: 'bye', reason: known, detail },
  };
}
