import { hkdfSync } from 'node:crypto';

/**
 * The TLS pre-shared key of a closed room: HKDF-SHA256 of the room secret with
 * a fixed salt and info, 32 bytes (what the SHA-256 TLS 1.3 suites take).
 * Documented in docs/SECURITY.md; changing it is a protocol change.
 */
export const ROOM_KEY_SALT = 'rxchat room key';
export const ROOM_KEY_INFO = 'rxchat tls-psk v1';
/** The PSK identity sent in clear in the TLS handshake; it names the scheme, not the room. */
export const PSK_IDENTITY = 'rxchat-v1';
/** TLS-PSK works with the SHA-256 suites only; both have forward secrecy in TLS 1.3 (psk_dhe_ke). */
export const PSK_CIPHERS = 'TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256';

export function roomKey(secret: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, ROOM_KEY_SALT, ROOM_KEY_INFO, 32));
}
