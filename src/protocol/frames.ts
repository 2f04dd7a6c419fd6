/**
 * Wire protocol v5: the frames two nodes exchange, one JSON object per line.
 * docs/PROTOCOL.md is the contract; keep the two in step.
 */

import type { OverlayFrame } from './overlay-frames.js';

export type {
  AskFrame,
  Goodbye,
  GraftFrame,
  IhaveFrame,
  LinksFrame,
  OverlayFrame,
  Seen,
  SeenFrame,
  View,
  ViewsFrame,
} from './overlay-frames.js';

export const PROTOCOL_VERSION = 5;

/** No frame (one line, newline included) may exceed this many bytes. */
export const MAX_FRAME_BYTES = 64 * 1024;

/** The most messages one chat frame may carry (a 64 KiB frame of one-character texts holds fewer). */
export const MAX_BURST = 16_384;

/** Why a link is closed on purpose; carried in `bye`. */
export type ByeReason = 'quit' | 'incompatible' | 'duplicate' | 'refused' | 'shed';

/**
 * A member's announcement of itself, signed with the key whose hash is its
 * id: `hello` carries it, and `members` gossip passes it on unchanged, so a
 * relay can neither invent a member nor alter one. New each incarnation.
 */
export interface Announcement {
  /** The node id: stable for the life of the process (and across restarts with --identity). */
  readonly id: string;
  /** New each time the node starts: its messages form the stream `<id>.<inc>`. */
  readonly inc: string;
  readonly name: string;
  /** The port the sender listens on. */
  readonly port: number;
  /** False when the sender runs with `--no-mesh`: nobody dials it unless named. */
  readonly mesh: boolean;
  /** `host:port` the sender asks others to use for it (`--advertise`). */
  readonly advertise?: string;
  /** The sender's Ed25519 public key (raw, base64); `id` is derived from it. */
  readonly key: string;
  /** This incarnation's X25519 public key (raw, base64), for private messages. */
  readonly dh: string;
  /** When this incarnation started (ISO 8601): of two announcements of one id, the later counts. */
  readonly time: string;
  /** The signature of the announcement's text (see signing.ts) by `key`. */
  readonly sig: string;
}

export interface HelloFrame extends Announcement {
  readonly type: 'hello';
  /** Protocol major version. A node refuses a peer whose major version differs. */
  readonly v: number;
  /** Fresh random bytes (base64) the other side must sign in its `proof`. */
  readonly nonce: string;
  /**
   * Links bounded: the members present as the sender counts them, itself
   * included (1 while it has no other link). A hint: the other end sends it
   * the room's membership on this link unless it counts as many.
   */
  readonly present?: number;
}

/** Proof of key possession: a signature of the receiver's nonce and both ids. */
export interface ProofFrame {
  readonly type: 'proof';
  readonly sig: string;
}

/** A member in gossip: its announcement, unchanged, and where the sender reaches it. */
export interface MemberInfo extends Announcement {
  /** Where that member listens, as `host:port` (`[v6]:port`): its `advertise`, or its port at the host the sender sees it at. */
  readonly address: string;
}

/** Membership gossip: members the sender is linked with. */
export interface MembersFrame {
  readonly type: 'members';
  readonly members: readonly MemberInfo[];
}

/**
 * A direct message, sealed end to end: outside the group's sequence (nobody
 * waits for it); relays see who writes to whom and check the signature, only
 * the addressee opens `box` (see SealedContent).
 */
export interface DirectFrame {
  readonly type: 'dm';
  readonly origin: string;
  readonly inc: string;
  /** The sender incarnation's X25519 public key, raw 32 bytes in base64. */
  readonly dh: string;
  /** The addressee's id and incarnation. */
  readonly to: string;
  readonly toInc: string;
  /** The sender incarnation's count of its direct messages, from 1: the nonce, and what replays are told by. */
  readonly n: number;
  /** The sealed content, base64: ChaCha20-Poly1305 ciphertext and its 16-byte tag. */
  readonly box: string;
  readonly key: string;
  readonly sig: string;
}

/** What a `dm`'s box holds: a message, or the receipt of one. */
export type SealedContent =
  | {
      readonly kind: 'message';
      readonly name: string;
      readonly text: string;
      readonly time: string;
      readonly action: boolean;
    }
  | { readonly kind: 'receipt'; readonly delivered: number };

/** A version vector on the wire: stream `<id>.<inc>` → sequence number. */
export type VectorRecord = Readonly<Record<string, number>>;

/**
 * A burst of chat messages from one stream (origin and incarnation), sent at
 * one `time`, with consecutive sequence numbers `seq`, `seq + 1`, …; message
 * i is `texts[i]`, with id `<origin>.<inc>:<seq + i>`. `deps` is what the
 * origin had delivered from other streams when it sent them.
 */
export interface ChatFrame {
  readonly type: 'chat';
  readonly origin: string;
  readonly inc: string;
  readonly name: string;
  readonly seq: number;
  readonly deps: VectorRecord;
  /** When the origin sent the burst, ISO 8601 UTC. */
  readonly time: string;
  readonly texts: readonly string[];
  /** Indices (ascending) of the texts that are actions (`/me waves`); absent when none. */
  readonly acts?: readonly number[];
  /** Sent again from a log in catch-up, not live. */
  readonly replay?: boolean;
  /** The origin's public key, and its signature of the burst (see core/signing.ts). */
  readonly key: string;
  readonly sig: string;
}

/** Catch-up: what the sender has delivered, and below what it can no longer resend. */
export interface HaveFrame {
  readonly type: 'have';
  readonly vector: VectorRecord;
  readonly floor: VectorRecord;
  /** A pull: only these streams are wanted (absent: every stream). */
  readonly want?: readonly string[];
}

export interface PingFrame {
  readonly type: 'ping';
  readonly t: number;
  /** The sum of the sender's vector: a digest for anti-entropy. */
  readonly sum?: number;
}

export interface PongFrame {
  readonly type: 'pong';
  readonly t: number;
  /** How many messages of the pinger's stream the sender has delivered: its confirmation. */
  readonly seen?: number;
  /** As in ping. */
  readonly sum?: number;
}

export interface ByeFrame {
  readonly type: 'bye';
  readonly reason: ByeReason;
  readonly detail?: string;
  /** With `quit`: the leaver's signature of its goodbye (see Goodbye), passed on by its peers. */
  readonly sig?: string;
}

export type Frame =
  | HelloFrame
  | ProofFrame
  | MembersFrame
  | ChatFrame
  | DirectFrame
  | HaveFrame
  | OverlayFrame
  | PingFrame
  | PongFrame
  | ByeFrame;
export type FrameType = Frame['type'];

/** Streams a pull (`have.want`) may name. */
export const MAX_WANT = 4096;

/** One incarnation of one node: the unit of sequence numbers and vectors. */
export function streamOf(origin: string, inc: string): string {
  return `${origin}.${inc}`;
}

export function originOf(stream: string): string {
  const dot = stream.lastIndexOf('.');
  return dot === -1 ? stream : stream.slice(0, dot);
}

export function messageId(stream: string, seq: number): string {
  return `${stream}:${seq}`;
}
