/**
 * What the core needs of a node's key pair, passed in so that the core holds
 * no key material handling of its own: sign, verify, the id a public key
 * stands for, and the hash a handshake proof names hellos by.
 * src/io/identity.ts implements it with Node's Ed25519 and SHA-256.
 */
export interface Identity {
  /** The node id: derived from the public key. */
  readonly id: string;
  /** The public key, raw 32 bytes in base64. */
  readonly key: string;
  /** Signs UTF-8 text; base64 signature. */
  sign(text: string): string;
  /** Checks a base64 signature of UTF-8 text by a base64 public key. */
  verify(key: string, text: string, signature: string): boolean;
  /** The node id that a base64 public key stands for. */
  idOf(key: string): string;
  /** A short fingerprint of a public key, for people to compare. */
  fingerprint(key: string): string;
  /** SHA-256 of UTF-8 text, lowercase hex: how a handshake proof names each hello. */
  sha256(text: string): string;
}

/**
 * Sealing of direct messages with this incarnation's X25519 key pair, passed
 * in so that its private half stays at the edge: src/io/direct-box.ts.
 * `info` names the direction (sender stream, addressee stream), `n` the
 * message's number (its nonce), `aad` the signed header. Undefined: the peer's
 * key is no key, or the box does not open (forged, altered, not for us).
 */
export interface DirectBox {
  /** This incarnation's X25519 public key, raw 32 bytes in base64: announced. */
  readonly dh: string;
  seal(peerDh: string, info: string, n: number, aad: string, plaintext: string): string | undefined;
  open(peerDh: string, info: string, n: number, aad: string, box: string): string | undefined;
}
