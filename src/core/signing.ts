import type { ChatFrame, DirectFrame, HelloFrame, VectorRecord } from '../protocol/frames.js';
import { textsJson } from '../protocol/json-text.js';
import type { Identity } from './identity.js';

/**
 * The exact text that is signed: a canonical encoding of the fields that
 * matter, never "the JSON as sent" (which relays may re-serialise). Lines are
 * joined with `\n`; strings are JSON-encoded so that no value can contain a
 * line end; vectors are sorted `stream=seq` pairs. docs/PROTOCOL.md specifies it.
 */

function vectorText(vector: VectorRecord): string {
  return Object.keys(vector)
    .sort()
    .map((stream) => `${stream}=${vector[stream] ?? 0}`)
    .join(',');
}

export function chatSigningText(frame: ChatFrame): string {
  const lines = [
    'rxchat-chat-v2',
    frame.origin,
    frame.inc,
    JSON.stringify(frame.name),
    String(frame.seq),
    vectorText(frame.deps),
    JSON.stringify(frame.time),
    (frame.acts ?? []).join(','),
    // JSON.stringify(texts); the frame on the wire carries the same text.
    textsJson(frame.texts),
  ];
  return lines.join('\n');
}

/** A direct message's header: the AAD its box is sealed with, and the start of what is signed. */
export function directHeaderText(frame: Omit<DirectFrame, 'type' | 'box' | 'key' | 'sig'>): string {
  return [
    'rxchat-dm-v3',
    frame.origin,
    frame.inc,
    JSON.stringify(frame.dh),
    frame.to,
    frame.toInc,
    String(frame.n),
  ].join('\n');
}

/** What a direct message's origin signs: its header and the sealed box, so relays can check it. */
export function directSigningText(frame: DirectFrame): string {
  return `${directHeaderText(frame)}\n${JSON.stringify(frame.box)}`;
}

/** The HKDF `info` of a direct message's key: one key per direction of a pair of incarnations. */
export function directKeyInfo(senderStream: string, addresseeStream: string): string {
  return ['rxchat-dm-v3', senderStream, addresseeStream].join('\n');
}

/**
 * A hello's validated fields in a fixed order, strings JSON-encoded: what a
 * handshake proof names it by (its SHA-256). docs/PROTOCOL.md specifies it.
 */
export function helloText(hello: HelloFrame): string {
  return [
    'rxchat-hello-v3',
    String(hello.v),
    hello.id,
    hello.inc,
    JSON.stringify(hello.name),
    String(hello.port),
    String(hello.mesh),
    JSON.stringify(hello.key),
    JSON.stringify(hello.dh),
    JSON.stringify(hello.time),
    JSON.stringify(hello.sig),
    JSON.stringify(hello.nonce),
    JSON.stringify(hello.advertise ?? null),
  ].join('\n');
}

/** One side of a link's handshake, as a proof names it: its id, its hello's nonce and hash. */
export interface HelloSeen {
  readonly id: string;
  readonly nonce: string;
  /** SHA-256 (hex) of the hello's helloText. */
  readonly digest: string;
}

export function helloSeen(identity: Identity, hello: HelloFrame): HelloSeen {
  return { id: hello.id, nonce: hello.nonce, digest: identity.sha256(helloText(hello)) };
}

/**
 * What `signer` signs to prove its key to `verifier` on one link: the
 * verifier's nonce, both ids, both hellos and, in a closed room, the link's
 * TLS session (`binding`, the exporter in hex; empty in an open room).
 */
export function proofText(signer: HelloSeen, verifier: HelloSeen, binding = ''): string {
  return [
    'rxchat-proof-v3',
    JSON.stringify(verifier.nonce),
    signer.id,
    verifier.id,
    signer.digest,
    verifier.digest,
    binding,
  ].join('\n');
}

type Unsigned<F> = Omit<F, 'key' | 'sig'>;

export function signChat(identity: Identity, frame: Unsigned<ChatFrame>): ChatFrame {
  const unsigned = { ...frame, key: identity.key, sig: '' };
  return { ...unsigned, sig: identity.sign(chatSigningText(unsigned)) };
}

export function signDirect(identity: Identity, frame: Unsigned<DirectFrame>): DirectFrame {
  const unsigned = { ...frame, key: identity.key, sig: '' };
  return { ...unsigned, sig: identity.sign(directSigningText(unsigned)) };
}

/** True when the key stands for the origin and the origin signed exactly this. */
export function verifyChat(identity: Identity, frame: ChatFrame): boolean {
  return (
    identity.idOf(frame.key) === frame.origin &&
    identity.verify(frame.key, chatSigningText(frame), frame.sig)
  );
}

export function verifyDirect(identity: Identity, frame: DirectFrame): boolean {
  return (
    identity.idOf(frame.key) === frame.origin &&
    identity.verify(frame.key, directSigningText(frame), frame.sig)
  );
}
