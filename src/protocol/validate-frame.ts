import type { ByeReason, Frame, MemberInfo, VectorRecord } from './frames.js';
import { MAX_BURST, PROTOCOL_VERSION } from './frames.js';

/** The result of checking a parsed JSON value against the frame shapes. */
export type Validated =
  | { readonly ok: true; readonly frame: Frame }
  | { readonly ok: false; readonly error: string };

const MAX_NAME = 32;
const MAX_TEXT = 16_000;
const MAX_LIST = 4096;
const BYE_REASONS: readonly ByeReason[] = ['quit', 'incompatible', 'duplicate', 'refused'];

type Obj = Readonly<Record<string, unknown>>;

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStr(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= max;
}

/** Node ids and incarnations: letters, digits, `_` and `-` (they are joined with `.`). */
const TOKEN = /^[A-Za-z0-9_-]{1,64}$/;
const STREAM = /^[A-Za-z0-9_-]{1,64}\.[A-Za-z0-9_-]{1,64}$/;
const MAX_VECTOR = 4096;

function isToken(value: unknown): value is string {
  return typeof value === 'string' && TOKEN.test(value);
}

function vector(value: unknown): VectorRecord | undefined {
  if (!isObj(value)) return undefined;
  const out: Record<string, number> = {};
  let size = 0;
  for (const key of Object.keys(value)) {
    const seq = value[key];
    if (!STREAM.test(key) || !isInt(seq, 0, Number.MAX_SAFE_INTEGER) || ++size > MAX_VECTOR)
      return undefined;
    out[key] = seq;
  }
  return out;
}

function isInt(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

function fail(error: string): Validated {
  return { ok: false, error };
}

function member(value: unknown): MemberInfo | undefined {
  if (!isObj(value)) return undefined;
  const { id, name, address, mesh } = value;
  if (!isToken(id) || !isStr(name, MAX_NAME) || !isStr(address, 300) || typeof mesh !== 'boolean') {
    return undefined;
  }
  return { id, name, address, mesh };
}

/** Chat texts: 1 to MAX_BURST strings of at most MAX_TEXT characters. */
function chatTexts(value: unknown): readonly string[] | undefined {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_BURST) return undefined;
  for (const text of value)
    if (typeof text !== 'string' || text.length > MAX_TEXT) return undefined;
  return value as string[];
}

/** Action indices: ascending, each a text's index (the canonical form that is signed). */
function actionIndices(value: unknown, count: number): readonly number[] | undefined {
  if (!Array.isArray(value) || value.length === 0 || value.length > count) return undefined;
  let previous = -1;
  for (const index of value) {
    if (!isInt(index, previous + 1, count - 1)) return undefined;
    previous = index;
  }
  return value as number[];
}

function everyOrUndefined<T>(
  values: unknown,
  max: number,
  each: (v: unknown) => T | undefined,
): T[] | undefined {
  if (!Array.isArray(values) || values.length > max) return undefined;
  const out: T[] = [];
  for (const value of values) {
    const checked = each(value);
    if (checked === undefined) return undefined;
    out.push(checked);
  }
  return out;
}

/**
 * Checks a parsed JSON value against the v2 frames. Fields the receiver does
 * not know are ignored (a newer minor version may add some); a known field of
 * the wrong type rejects the frame.
 */
export function validateFrame(value: unknown): Validated {
  if (!isObj(value)) return fail('frame is not a JSON object');
  const type = value.type;
  switch (type) {
    case 'hello': {
      const { v, id, inc, name, port, mesh, advertise, key, nonce } = value;
      if (!isInt(v, 0, 1_000_000)) return fail('hello: bad "v"');
      if (v !== PROTOCOL_VERSION)
        return {
          ok: true,
          frame: {
            type,
            v,
            id: String(id).slice(0, 64),
            inc: '',
            name: String(name).slice(0, 32),
            port: 0,
            mesh: false,
            key: '',
            nonce: '',
          },
        };
      if (!isToken(id)) return fail('hello: bad "id"');
      if (!isToken(inc)) return fail('hello: bad "inc"');
      if (!isStr(name, MAX_NAME)) return fail('hello: bad "name"');
      if (!isInt(port, 0, 65535)) return fail('hello: bad "port"');
      if (typeof mesh !== 'boolean') return fail('hello: bad "mesh"');
      if (advertise !== undefined && !isStr(advertise, 300)) return fail('hello: bad "advertise"');
      if (!isStr(key, 64)) return fail('hello: bad "key"');
      if (!isStr(nonce, 64)) return fail('hello: bad "nonce"');
      const frame = { type, v, id, inc, name, port, mesh, key, nonce };
      return { ok: true, frame: advertise === undefined ? frame : { ...frame, advertise } };
    }
    case 'proof': {
      const { sig } = value;
      if (!isStr(sig, 200)) return fail('proof: bad "sig"');
      return { ok: true, frame: { type, sig } };
    }
    case 'members': {
      const members = everyOrUndefined(value.members, MAX_LIST, member);
      if (members === undefined) return fail('members: bad "members"');
      return { ok: true, frame: { type, members } };
    }
    case 'chat': {
      const { origin, inc, name, seq, replay } = value;
      if (!isToken(origin)) return fail('chat: bad "origin"');
      if (!isToken(inc)) return fail('chat: bad "inc"');
      if (!isStr(name, MAX_NAME)) return fail('chat: bad "name"');
      if (!isInt(seq, 1, Number.MAX_SAFE_INTEGER)) return fail('chat: bad "seq"');
      const deps = vector(value.deps);
      if (deps === undefined) return fail('chat: bad "deps"');
      const { time, key, sig } = value;
      if (!isStr(time, 40)) return fail('chat: bad "time"');
      const texts = chatTexts(value.texts);
      if (texts === undefined) return fail('chat: bad "texts"');
      const acts = value.acts === undefined ? undefined : actionIndices(value.acts, texts.length);
      if (value.acts !== undefined && acts === undefined) return fail('chat: bad "acts"');
      if (replay !== undefined && typeof replay !== 'boolean') return fail('chat: bad "replay"');
      if (!isStr(key, 64)) return fail('chat: bad "key"');
      if (!isStr(sig, 200)) return fail('chat: bad "sig"');
      const frame = {
        type,
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
      };
      return { ok: true, frame: replay === true ? { ...frame, replay } : frame };
    }
    case 'dm': {
      const { id, origin, inc, name, to, text, time, action } = value;
      if (!isStr(id, 200)) return fail('dm: bad "id"');
      if (!isToken(origin)) return fail('dm: bad "origin"');
      if (!isToken(inc)) return fail('dm: bad "inc"');
      if (!isStr(name, MAX_NAME)) return fail('dm: bad "name"');
      if (!isToken(to)) return fail('dm: bad "to"');
      if (typeof text !== 'string' || text.length > MAX_TEXT) return fail('dm: bad "text"');
      if (!isStr(time, 40)) return fail('dm: bad "time"');
      if (action !== undefined && typeof action !== 'boolean') return fail('dm: bad "action"');
      const { key, sig } = value;
      if (!isStr(key, 64)) return fail('dm: bad "key"');
      if (!isStr(sig, 200)) return fail('dm: bad "sig"');
      const frame = { type, id, origin, inc, name, to, text, time, key, sig };
      return { ok: true, frame: action === true ? { ...frame, action } : frame };
    }
    case 'have': {
      const vec = vector(value.vector);
      const floor = vector(value.floor);
      if (vec === undefined) return fail('have: bad "vector"');
      if (floor === undefined) return fail('have: bad "floor"');
      return { ok: true, frame: { type, vector: vec, floor } };
    }
    case 'links': {
      const peers = everyOrUndefined(value.peers, MAX_LIST, (p) => (isToken(p) ? p : undefined));
      if (peers === undefined) return fail('links: bad "peers"');
      return { ok: true, frame: { type, peers } };
    }
    case 'ping': {
      const { t } = value;
      if (typeof t !== 'number' || !Number.isFinite(t)) return fail('ping: bad "t"');
      return { ok: true, frame: { type, t } };
    }
    case 'pong': {
      const { t, seen } = value;
      if (typeof t !== 'number' || !Number.isFinite(t)) return fail('pong: bad "t"');
      if (seen === undefined) return { ok: true, frame: { type, t } };
      if (!isInt(seen, 0, Number.MAX_SAFE_INTEGER)) return fail('pong: bad "seen"');
      return { ok: true, frame: { type, t, seen } };
    }
    case 'bye': {
      const { reason, detail } = value;
      const known = BYE_REASONS.find((r) => r === reason);
      if (known === undefined) return fail('bye: bad "reason"');
      if (detail !== undefined && (typeof detail !== 'string' || detail.length > 500)) {
        return fail('bye: bad "detail"');
      }
      return {
        ok: true,
        frame: detail === undefined ? { type, reason: known } : { type, reason: known, detail },
      };
    }
    default:
      return fail(
        typeof type === 'string'
          ? `unknown frame type "${type.slice(0, 20)}"`
          : 'frame has no "type"',
      );
  }
}
