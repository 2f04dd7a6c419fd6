import type { KeyObject } from 'node:crypto';
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
} from 'node:crypto';
import type { Identity } from '../core/identity.js';

/** The prefix that wraps a raw Ed25519 public key into SPKI DER. */
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** A node id: the first 16 hex digits of SHA-256 of the raw public key. */
export function idOfKey(key: string): string {
  return createHash('sha256').update(Buffer.from(key, 'base64')).digest('hex').slice(0, 16);
}

/** A short fingerprint of a public key, for people to compare: SHA-256, grouped. */
export function fingerprint(key: string): string {
  const hex = createHash('sha256').update(Buffer.from(key, 'base64')).digest('hex').slice(0, 32);
  return hex.match(/.{4}/g)?.join(':') ?? hex;
}

/** SHA-256 of the UTF-8 text: what is signed. */
function digestOf(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Parses a base64 raw public key; null when it is not one. */
export type PublicKeyOf = (key: string) => KeyObject | null;

/**
 * A parser of public keys that keeps what it parsed (at most about 4096 keys):
 * every chat frame is verified against its sender's key, and importing one
 * costs far more than a lookup.
 */
export function cachedPublicKeys(): PublicKeyOf {
  const publicKeys = new Map<string, KeyObject | null>();
  return (key) => {
    const cached = publicKeys.get(key);
    if (cached !== undefined) return cached;
    const parsed = importPublicKey(key);
    if (publicKeys.size > 4096) publicKeys.clear();
    publicKeys.set(key, parsed);
    return parsed;
  };
}

/** A raw 32-byte public key of `curve`, from its bytes; null when it is not one. */
export function rawPublicKey(raw: Buffer, curve: 'Ed25519' | 'X25519'): KeyObject | null {
  if (raw.length !== 32) return null;
  try {
    // As a JWK: an order of magnitude faster to import than the same key as SPKI DER.
    return createPublicKey({
      key: { kty: 'OKP', crv: curve, x: raw.toString('base64url') },
      format: 'jwk',
    });
  } catch {
    return null;
  }
}

function importPublicKey(key: string): KeyObject | null {
  return rawPublicKey(Buffer.from(key, 'base64'), 'Ed25519');
}

/**
 * The identity of a private key. Its `verify` parses public keys with
 * `publicKeyOf`: by default a cache of its own, so each node keeps the keys it met.
 */
export function identityFrom(
  privateKey: KeyObject,
  publicKeyOf: PublicKeyOf = cachedPublicKeys(),
): Identity {
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const key = spki.subarray(SPKI_PREFIX.length).toString('base64');
  return {
    id: idOfKey(key),
    key,
    // Ed25519 over the SHA-256 digest of the text: one fast hash pass instead of Ed25519's
    // two SHA-512 passes over a frame of up to 64 KiB.
    sign: (text) => sign(null, digestOf(text), privateKey).toString('base64'),
    verify: (publicKey, text, signature) => {
      const parsed = publicKeyOf(publicKey);
      if (parsed === null) return false;
      try {
        return verify(null, digestOf(text), parsed, Buffer.from(signature, 'base64'));
      } catch {
        return false;
      }
    },
    idOf: idOfKey,
    fingerprint,
    sha256: (text) => digestOf(text).toString('hex'),
  };
}

export function freshIdentity(): Identity {
  return identityFrom(generateKeyPairSync('ed25519').privateKey);
}

/** Reads a PKCS#8 PEM Ed25519 private key. */
export function identityFromPem(pem: string): Identity {
  const privateKey = createPrivateKey({ key: pem, format: 'pem' });
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new Error('the key is not an Ed25519 private key');
  return identityFrom(privateKey);
}

export function newPrivateKeyPem(): string {
  return generateKeyPairSync('ed25519')
    .privateKey.export({ format: 'pem', type: 'pkcs8' })
    .toString();
}
