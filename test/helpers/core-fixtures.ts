import { announcementText } from '../../src/core/announcement.js';
import type { NodeConfig } from '../../src/core/config.js';
import { makeConfig } from '../../src/core/config.js';
import type { Effect } from '../../src/core/effect.js';
import type { LinkId, NodeEvent } from '../../src/core/event.js';
import { helloFrame } from '../../src/core/handshake.js';
import type { DirectBox, Identity } from '../../src/core/identity.js';
import {
  directHeaderText,
  directKeyInfo,
  helloSeen,
  proofText,
  signChat,
  signDirect,
} from '../../src/core/signing.js';
import type { NodeState } from '../../src/core/state.js';
import { initialState } from '../../src/core/state.js';
import { step } from '../../src/core/step.js';
import type {
  Announcement,
  ChatFrame,
  DirectFrame,
  HelloFrame,
  MemberInfo,
  ProofFrame,
} from '../../src/protocol/frames.js';
import { PROTOCOL_VERSION } from '../../src/protocol/frames.js';

export const SELF = 'b000000000000000';
export const LOWER = 'a000000000000000';
export const HIGHER = 'c000000000000000';

/** A short stand-in digest (FNV-1a, two rounds): different text, different "signature". */
function digest(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    a = Math.imul(a ^ text.charCodeAt(i), 0x01000193);
    b = Math.imul(b ^ text.charCodeAt(i), 0x5bd1e995);
  }
  return `${(a >>> 0).toString(16)}${(b >>> 0).toString(16)}`;
}

/**
 * A stand-in key pair for core tests: key `key-<id>`, and a "signature" that
 * is the key and a digest of the text, so tests can sign as anyone and tampering shows.
 */
export function fakeIdentity(id: string): Identity {
  const key = `key-${id}`;
  return {
    id,
    key,
    sign: (text) => `${key}|${digest(text)}`,
    verify: (publicKey, text, signature) => signature === `${publicKey}|${digest(text)}`,
    idOf: (publicKey) => (publicKey.startsWith('key-') ? publicKey.slice(4) : ''),
    fingerprint: (publicKey) => `fp:${digest(publicKey)}`,
    sha256: digest,
  };
}

/**
 * A stand-in for an incarnation's X25519 box: public key `dh-<id>`; a "box"
 * names the pair of keys, the direction, the number and the header, so it
 * opens only for the other key of the pair with everything else the same.
 */
export function fakeBox(id: string): DirectBox {
  const dh = `dh-${id}`;
  const pair = (peer: string): string => [dh, peer].sort().join('+');
  return {
    dh,
    seal: (peer, info, n, aad, plaintext) =>
      peer.startsWith('dh-')
        ? Buffer.from(JSON.stringify([pair(peer), info, n, digest(aad), plaintext])).toString(
            'base64',
          )
        : undefined,
    open: (peer, info, n, aad, box) => {
      let sealed: unknown;
      try {
        sealed = JSON.parse(Buffer.from(box, 'base64').toString());
      } catch {
        return undefined;
      }
      if (!Array.isArray(sealed)) return undefined;
      const [keys, sealedInfo, sealedN, sealedAad, plaintext] = sealed as unknown[];
      const same = keys === pair(peer) && sealedInfo === info && sealedN === n;
      return same && sealedAad === digest(aad) && typeof plaintext === 'string'
        ? plaintext
        : undefined;
    },
  };
}

/**
 * A direct message from `origin` (incarnation 1) to `to` (incarnation 1, or
 * `toInc`) numbered `n`, sealed with their fake boxes and signed by the origin.
 */
export function directFrom(
  origin: string,
  to: string,
  n: number,
  content: Record<string, unknown>,
  toInc = '1',
): DirectFrame {
  const header = { origin, inc: '1', dh: `dh-${origin}`, to, toInc, n };
  const info = directKeyInfo(`${origin}.1`, `${to}.${toInc}`);
  const box = fakeBox(origin).seal(
    `dh-${to}`,
    info,
    n,
    directHeaderText(header),
    JSON.stringify(content),
  );
  return signDirect(fakeIdentity(origin), { type: 'dm', ...header, box: box ?? '' });
}

/** A chat frame signed by its origin's fake key. */
export function signedChat(frame: Omit<ChatFrame, 'key' | 'sig'>): ChatFrame {
  return signChat(fakeIdentity(frame.origin), frame);
}

/**
 * A burst from `origin` at `seq`, signed by its key: incarnation 1, named by
 * its id's first two characters, at a fixed time; `fields` may set any other
 * field, `replay` too (added after signing, as relays do).
 */
export function burstFrom(
  origin: string,
  seq: number,
  texts: string[],
  deps: Record<string, number> = {},
  fields: Partial<ChatFrame> = {},
): ChatFrame {
  const { replay, ...rest } = fields;
  const signed = signedChat({
    type: 'chat',
    origin,
    inc: '1',
    name: origin.slice(0, 2),
    seq,
    deps,
    time: '2026-01-01T00:00:00.000Z',
    texts,
    ...rest,
  });
  return replay === true ? { ...signed, replay } : signed;
}

/** A burst from `origin` (incarnation 1, no deps, from seq 1 at time `t`), signed by its key. */
export function chatFrom(
  origin: string,
  name: string,
  texts: readonly string[],
  fields: Partial<Omit<ChatFrame, 'key' | 'sig'>> = {},
): ChatFrame {
  return signedChat({
    type: 'chat',
    origin,
    inc: '1',
    deps: {},
    name,
    seq: 1,
    time: 't',
    texts,
    ...fields,
  });
}

export function testConfig(fields: Partial<NodeConfig> = {}): NodeConfig {
  return makeConfig({
    identity: fakeIdentity(SELF),
    box: fakeBox(SELF),
    name: 'self',
    port: 9000,
    seed: 7,
    backoff: { baseMs: 250, capMs: 30_000, jitter: 0 },
    ...fields,
  });
}

export function hello(
  id: string,
  name: string,
  port = 9100,
  fields: Partial<HelloFrame> = {},
): HelloFrame {
  const { v = PROTOCOL_VERSION, nonce = `nonce-of-${id}`, sig, ...rest } = fields;
  return { type: 'hello', v, nonce, ...announced(id, name, port, rest, sig) };
}

/**
 * Member `id`'s announcement, signed by its fake key (incarnation 1, meshing,
 * started at the epoch); `fields` may change any field, and `sig` replace
 * the signature (a forgery).
 */
export function announced(
  id: string,
  name: string,
  port = 9100,
  fields: Partial<Announcement> = {},
  sig?: string,
): Announcement {
  const unsigned = {
    id,
    inc: '1',
    name,
    port,
    mesh: true,
    key: `key-${id}`,
    dh: `dh-${id}`,
    time: new Date(0).toISOString(),
    ...fields,
  };
  return { ...unsigned, sig: sig ?? fakeIdentity(id).sign(announcementText(unsigned)) };
}

/** A `members` entry for member `id` at `address` (its port announced), signed by its fake key. */
export function memberEntry(
  id: string,
  name: string,
  address: string,
  fields: Partial<Announcement> = {},
): MemberInfo {
  const port = Number(address.slice(address.lastIndexOf(':') + 1));
  return { ...announced(id, name, port, fields), address };
}

export function linkUp(
  link: LinkId,
  at = 0,
  fields: Partial<Omit<Extract<NodeEvent, { kind: 'linkUp' }>, 'nonce'>> = {},
): NodeEvent {
  return {
    kind: 'linkUp',
    at,
    link,
    remote: `127.0.0.1:${50_000 + link}`,
    direction: 'in',
    nonce: `nonce-${link}`,
    ...fields,
  };
}

export function frameEvent(
  link: LinkId,
  frame: Extract<NodeEvent, { kind: 'frame' }>['frame'],
  at = 0,
): NodeEvent {
  return { kind: 'frame', at, link, frame };
}

/** Folds events through `step`, as `scan` does, keeping every effect. */
export function fold(
  events: readonly NodeEvent[],
  config: NodeConfig = testConfig(),
): { state: NodeState; effects: Effect[] } {
  let state = initialState(config);
  const effects: Effect[] = [];
  for (const event of events) {
    const result = step(state, event);
    state = result.state;
    effects.push(...result.effects);
  }
  return { state, effects };
}

/** Who a proof is made for: the node's config (default testConfig()), and the link's session. */
export interface ProofFor {
  readonly config?: NodeConfig;
  readonly binding?: string;
}

/**
 * The proof `peer` (the hello it sent on `link`) sends the node: its fake key's
 * signature of the nonce the node sent there, of both hellos (the node's as
 * its config makes it) and of the link's session.
 */
export function proof(link: LinkId, peer: HelloFrame, to: ProofFor = {}): ProofFrame {
  const config = to.config ?? testConfig();
  const signer = fakeIdentity(peer.id);
  const own = helloSeen(config.identity, helloFrame(config, `nonce-${link}`));
  return { type: 'proof', sig: signer.sign(proofText(helloSeen(signer, peer), own, to.binding)) };
}

/** A peer's hello on `link` and its proof, as frame events at `at`. */
export function handshake(link: LinkId, peer: HelloFrame, at = 0, to: ProofFor = {}): NodeEvent[] {
  return [frameEvent(link, peer, at), frameEvent(link, proof(link, peer, to), at)];
}

/** Events that link member `id` (named `name`) over link `link`: up, hello, proof. */
export function joined(
  link: LinkId,
  id: string,
  name: string,
  at = 0,
  to: ProofFor = {},
): NodeEvent[] {
  return [linkUp(link, at), ...handshake(link, hello(id, name, 9100 + link), at, to)];
}

/**
 * The kinds (see `kinds`) of a member's join when others are linked already:
 * hello and proof, the edge told the link is a member's, the join shown, then
 * members, have and links to it.
 */
export const JOIN_KINDS: readonly string[] = [
  'send:hello',
  'send:proof',
  'member',
  'emit:join',
  'send:members',
  'send:have',
  'send:links',
];

export function kinds(effects: readonly Effect[]): string[] {
  return effects.map((effect) =>
    effect.kind === 'emit'
      ? `emit:${effect.event.event}`
      : effect.kind === 'send'
        ? `send:${effect.frame.type}`
        : effect.kind,
  );
}
