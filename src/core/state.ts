import type { HelloFrame } from '../protocol/frames.js';
import type { NodeConfig } from './config.js';
import type { DeliveryState } from './delivery.js';
import { emptyDelivery } from './delivery.js';
import type { DialPurpose, Direction, LinkId } from './event.js';
import type { Logged } from './log.js';
import type { PeerState } from './output-event.js';

/** One TCP connection, before and after its handshake. */
export interface Link {
  readonly id: LinkId;
  /** The socket's remote end, `host:port`. */
  readonly remote: string;
  readonly direction: Direction;
  readonly target?: string;
  readonly purpose?: DialPurpose;
  readonly openedAt: number;
  readonly lastHeard: number;
  /** When the peer last pinged, and last answered a ping of ours, on this link. */
  readonly pingHeard: number;
  readonly pongHeard: number;
  /** Set once this node closed the link: it stays listed until its linkDown. */
  readonly closing?: true;
  /** Since when its unsent data is over the congestion mark (see link-pressure), while it is. */
  readonly congestedSince?: number;
  /** The nonce this node sent in its hello on this link. */
  readonly nonce: string;
  /** The peer's hello, while its proof of key possession is awaited. */
  readonly hello?: HelloFrame;
  /** The member at the other end, once its hello and proof checked out. */
  readonly peer?: string;
}

/** Another node this node knows of. */
export interface Member {
  readonly id: string;
  readonly name: string;
  /** Where it listens. */
  readonly address: string;
  readonly mesh: boolean;
  /** Its public key, once linked (from its hello). */
  readonly key?: string;
  readonly state: PeerState;
  /** The link in use, while linked. */
  readonly link?: LinkId;
  /** When the link in use went away for a duplicate and its replacement is awaited. */
  readonly swappingSince?: number;
  /** The address named on our command line that reached it: redial that one. */
  readonly named?: string;
  readonly linkedAt?: number;
  readonly rttMs?: number;
  /** The ids it said it is linked with (its `links` frame): it needs no forwarding from them. */
  readonly peers?: ReadonlySet<string>;
  /** Its incarnation, from its hello. */
  readonly inc?: string;
  /** How many of this node's messages it has confirmed delivering (from its pongs). */
  readonly confirmed: number;
  /** Chat messages written to / read from its link. */
  readonly sent: number;
  readonly received: number;
  /** Chat frames (bursts) written to / read from its link. */
  readonly framesSent: number;
  readonly framesReceived: number;
}

/** A lost member being dialled again. */
export interface Redial {
  readonly member: string;
  readonly target: string;
  readonly attempt: number;
  readonly nextAt: number;
  readonly giveUpAt: number;
  readonly dialing: boolean;
}

export type Leaving =
  | { readonly phase: 'staying' }
  /** Asked to leave; waits for the initial dials unless `urgent`. */
  | { readonly phase: 'leaving'; readonly urgent: boolean }
  /** Lines are out; waiting (until `deadline`) for the members to confirm them. */
  | { readonly phase: 'lingering'; readonly deadline: number }
  /** `bye` sent and every link ending: exits with `code` once all are down, or at `until`. */
  | { readonly phase: 'closing'; readonly code: number; readonly until: number }
  | { readonly phase: 'left' };

/** A line to send to the group. */
export interface Outgoing {
  readonly text: string;
  readonly action: boolean;
}

export interface NodeState {
  readonly config: NodeConfig;
  readonly links: ReadonlyMap<LinkId, Link>;
  readonly members: ReadonlyMap<string, Member>;
  /** Initial dial targets whose outcome (handshake or failure) is not known yet. */
  readonly initialPending: ReadonlySet<string>;
  /** Lines typed before the initial dials settled. */
  readonly held: readonly Outgoing[];
  /** The last number used for this node's direct messages (a sequence of their own). */
  readonly directSeq: number;
  /** Public keys seen per name, to flag a name that comes back with another key (bounded). */
  readonly keysByName: ReadonlyMap<string, readonly string[]>;
  /** Ids of direct messages already handled, newest last (bounded). */
  readonly directSeen: readonly string[];
  /** The last sequence number used for this node's messages. */
  readonly seq: number;
  /** Causal delivery: the version vector and the held-back messages. */
  readonly delivery: DeliveryState<Logged>;
  /** The newest delivered and sent messages, for catch-up. */
  readonly log: readonly Logged[];
  readonly redials: ReadonlyMap<string, Redial>;
  /** Targets with a dial in flight. */
  readonly dialing: ReadonlySet<string>;
  readonly lastPingAt: number;
  /** Members who joined since gossip was last sent: told to the others in one frame. */
  readonly gossipJoined: readonly string[];
  /** When the gossip now held (joins or a grown link set) was first held back. */
  readonly gossipHeldAt: number;
  /** The link set grew since it was last told, and when that was. */
  readonly linksChanged: boolean;
  readonly linksAnnouncedAt: number;
  /** Since when reading from links is held while stdout catches up (silence then is not judged). */
  readonly readingHeldSince?: number;
  readonly leaving: Leaving;
  readonly rng: number;
}

export function initialState(config: NodeConfig): NodeState {
  return {
    config,
    links: new Map(),
    members: new Map(),
    initialPending: new Set(),
    held: [],
    directSeq: 0,
    directSeen: [],
    keysByName: new Map(),
    seq: 0,
    delivery: emptyDelivery<Logged>(),
    log: [],
    redials: new Map(),
    dialing: new Set(),
    lastPingAt: 0,
    gossipJoined: [],
    gossipHeldAt: 0,
    linksChanged: false,
    linksAnnouncedAt: Number.NEGATIVE_INFINITY,
    leaving: { phase: 'staying' },
    rng: config.seed,
  };
}

/** Links whose handshake completed and that carry a member's traffic. */
export function ownStream(state: NodeState): string {
  return `${state.config.id}.${state.config.incarnation}`;
}

export function activeLinks(state: NodeState): LinkId[] {
  const out: LinkId[] = [];
  for (const member of state.members.values()) {
    if (member.state === 'linked' && member.link !== undefined) out.push(member.link);
  }
  return out;
}
