import type { Obj, Validated } from './field-checks.js';
import {
  everyOrUndefined,
  fail,
  isInt,
  isStr,
  isToken,
  MAX_LIST,
  MAX_NAME,
  member,
} from './field-checks.js';
import { PROTOCOL_VERSION } from './frames.js';

/** The frames of the handshake and of membership: hello, proof, members. */

export function validateHello(value: Obj): Validated {
  const { v, id, inc, name, port, mesh, advertise, key, nonce } = value;
  if (!isInt(v, 0, 1_000_000)) return fail('hello: bad "v"');
  if (v !== PROTOCOL_VERSION) return otherVersion(v, id, name);
  if (!isToken(id)) return fail('hello: bad "id"');
  if (!isToken(inc)) return fail('hello: bad "inc"');
  if (!isStr(name, MAX_NAME)) return fail('hello: bad "name"');
  if (!isInt(port, 0, 65535)) return fail('hello: bad "port"');
  if (typeof mesh !== 'boolean') return fail('hello: bad "mesh"');
  if (advertise !== undefined && !isStr(advertise, 300)) return fail('hello: bad "advertise"');
  if (!isStr(key, 64)) return fail('hello: bad "key"');
  if (!isStr(nonce, 64)) return fail('hello: bad "nonce"');
  const frame = { type: 'hello', v, id, inc, name, port, mesh, key, nonce } as const;
  return { ok: true, frame: advertise === undefined ? frame : { ...frame, advertise } };
}

/**
 * A hello of another major version: only what the refusal names is kept
 * (the rest of it may be any shape).
 */
function otherVersion(v: number, id: unknown, name: unknown): Validated {
  return {
    ok: true,
    frame: {
      type: 'hello',
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
}

export function validateProof(value: Obj): Validated {
  const { sig } = value;
  if (!isStr(sig, 200)) return fail('proof: bad "sig"');
  return { ok: true, frame: { type: 'proof', sig } };
}

export function validateMembers(value: Obj): Validated {
  const members = everyOrUndefined(value.members, MAX_LIST, member);
  if (members === undefined) return fail('members: bad "members"');
  return { ok: true, frame: { type: 'members', members } };
}
