import { scryptSync } from 'node:crypto';

/**
 * The TLS pre-shared key of a closed room: scrypt of the room secret with a
 * fixed salt and cost, 32 bytes (what the SHA-256 TLS 1.3 suites take). scrypt,
 * not a plain hash, because a recorded handshake lets an eavesdropper test
 * guesses of the secret offline; the cost makes each guess take ~0.1 s.
 * Documented in docs/SECURITY.md; changing any of it is a protocol change.
 */
export const ROOM_KEY_SALT = 'rxchat room key v1';
export const ROOM_KEY_COST = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
/** The PSK identity sent in clear in the TLS handshake; it names the scheme, not the room. */
export const PSK_IDENTITY = 'rxchat-v1';
/**
 * The TLS exporter label (RFC 8446 §7.5) of the 32 bytes that name a closed
 * room's TLS session in both handshake proofs: a proof made on another
 * session does not verify on this one.
 */
export const PROOF_EXPORTER_LABEL = 'EXPORTER-rxchat-proof-v3';
/** TLS-PSK works with the SHA-256 suites only; both have forward secrecy in TLS 1.3 (psk_dhe_ke). */
export const PSK_CIPHERS = 'TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256';

export function roomKey(secret: Buffer): Buffer {
  return scryptSync(secret, ROOM_KEY_SALT, 32, ROOM_KEY_COST);
}
