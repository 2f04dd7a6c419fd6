import type { KeyObject } from 'node:crypto';
import {
  createCipheriv,
  createDecipheriv,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
} from 'node:crypto';
import type { DirectBox } from '../core/identity.js';
import { rawPublicKey } from './identity.js';

/** ChaCha20-Poly1305's tag, appended to the ciphertext. */
const TAG_BYTES = 16;
/** Derived keys kept, so that a conversation derives its key once. */
const MAX_KEYS = 1024;

/** The 96-bit nonce of message number `n`: four zero bytes, then `n` as 64-bit big-endian. */
export function nonceOf(n: number): Buffer {
  const nonce = Buffer.alloc(12);
  nonce.writeBigUInt64BE(BigInt(n), 4);
  return nonce;
}

/** An X25519 public key in canonical base64 only (one spelling per key). */
function importX25519(key: string): KeyObject | null {
  const raw = Buffer.from(key, 'base64');
  return raw.toString('base64') === key ? rawPublicKey(raw, 'X25519') : null;
}

/** The raw X25519 public key of a private key, base64. */
function publicOf(privateKey: KeyObject): string {
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return spki.subarray(-32).toString('base64');
}

/**
 * Direct messages sealed with one incarnation's X25519 key pair (docs/PROTOCOL.md,
 * "Direct messages"): key = HKDF-SHA256(X25519(ours, theirs), empty salt, info), 32 bytes;
 * ChaCha20-Poly1305 with the nonce of the message number and the header as AAD.
 * The private key never leaves this closure.
 */
export function directBoxOf(privateKey: KeyObject): DirectBox {
  const keys = new Map<string, Buffer | null>();
  const keyFor = (peerDh: string, info: string): Buffer | null => {
    const cacheKey = `${peerDh}\n${info}`;
    const cached = keys.get(cacheKey);
    if (cached !== undefined) return cached;
    const publicKey = importX25519(peerDh);
    let key: Buffer | null = null;
    if (publicKey !== null) {
      try {
        const shared = diffieHellman({ privateKey, publicKey });
        key = Buffer.from(hkdfSync('sha256', shared, Buffer.alloc(0), info, 32));
      } catch {
        // A low-order public key: OpenSSL refuses an all-zero shared secret.
        key = null;
      }
    }
    if (keys.size >= MAX_KEYS) keys.clear();
    keys.set(cacheKey, key);
    return key;
  };
  return {
    dh: publicOf(privateKey),
    seal: (peerDh, info, n, aad, plaintext) => {
      const key = keyFor(peerDh, info);
      if (key === null) return undefined;
      const cipher = createCipheriv('chacha20-poly1305', key, nonceOf(n), {
        authTagLength: TAG_BYTES,
      });
      const plain = Buffer.from(plaintext, 'utf8');
      cipher.setAAD(Buffer.from(aad, 'utf8'), { plaintextLength: plain.length });
      const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
      return Buffer.concat([sealed, cipher.getAuthTag()]).toString('base64');
    },
    open: (peerDh, info, n, aad, box) => {
      const key = keyFor(peerDh, info);
      const bytes = Buffer.from(box, 'base64');
      if (key === null || bytes.length < TAG_BYTES) return undefined;
      try {
        const decipher = createDecipheriv('chacha20-poly1305', key, nonceOf(n), {
          authTagLength: TAG_BYTES,
        });
        const sealed = bytes.subarray(0, bytes.length - TAG_BYTES);
        decipher.setAAD(Buffer.from(aad, 'utf8'), { plaintextLength: sealed.length });
        decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
        const opened = Buffer.concat([decipher.update(sealed), decipher.final()]);
        return new TextDecoder('utf-8', { fatal: true }).decode(opened);
      } catch {
        return undefined;
      }
    },
  };
}

/** A fresh X25519 key pair for one incarnation: its public half is announced. */
export function freshDirectBox(): DirectBox {
  return directBoxOf(generateKeyPairSync('x25519').privateKey);
}
