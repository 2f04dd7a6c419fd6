import type { Obj, Validated } from './field-checks.js';
import {
  announcement,
  everyOrUndefined,
  fail,
  isInt,
  isStr,
  MAX_LIST,
  member,
} from './field-checks.js';
import { PROTOCOL_VERSION } from './frames.js';

/** The frames of the handshake and of membership: hello, proof, members. */

export function validateHello(value: Obj): Validated {
  const { v, id, name, nonce } = value;
  if (!isInt(v, 0, 1_000_000)) return fail('hello: bad "v"');
  if (v !== PROTOCOL_VERSION) return otherVersion(v, id, name);
  const fields = announcement(value);
  if (typeof fields === 'string') return fail(`hello: bad "${fields}"`);
  if (!isStr(nonce, 64)) return fail('hello: bad "nonce"');
  const { present } = value;
  if (present !== undefined && !isInt(present, 1, 1_000_000)) return fail('hello: bad "present"');
  return {
    ok: true,
    frame: { type: 'hello', v, nonce, ...fields, ...(present === undefined ? {} : { present }) },
  };
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
      dh: '',
      time: '',
      sig: '',
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
