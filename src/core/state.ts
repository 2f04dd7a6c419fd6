import type { HelloFrame } from '../protocol/frames.js';
import type { NodeConfig } from './config.js';
import type { DeliveryState } from './delivery.js';
import { emptyDelivery } from './delivery.js';
import type { DialPurpose, Direction, LinkId } from './event.js';
import type { Leaving } from './leaving.js';
import type { Logged } from './log.js';
import type { PeerState } from './output-event.js';
import type { Redial } from './redial.js';

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

/** A line to send to the group. */
export interface Outgoing {
  readonly text: string;
  readonly action: boolean;
}

/**
 * This node's chat: its own sequence number, causal delivery of everyone's
 * messages, the log kept for catch-up, and lines waiting for the initial dials.
 */
export interface ChatSlice {
  /** The last sequence number used for this node's messages. */
  readonly seq: number;
  /** Causal delivery: the version vector and the held-back messages. */
  readonly delivery: DeliveryState<Logged>;
  /** The newest delivered and sent messages, for catch-up. */
  readonly log: readonly Logged[];
  /** stdin lines (commands too) read before the initial dials settled: they run after, in order. */
  readonly waiting: readonly string[];
  /** Members present when this node sent a line: the last sequence number each was sent. */
  readonly owed: ReadonlyMap<string, number>;
  /** Lines sent while no member was linked. */
  readonly unheard: number;
  /** Lines and direct messages refused (too long, no room in a frame, no such member). */
  readonly refused: number;
}

/** Direct messages: this node's own numbering, and the ids already handled. */
export interface DirectSlice {
  /** The last number used for this node's direct messages (a sequence of their own). */
  readonly seq: number;
  /** Ids of direct messages already handled, newest last (bounded). */
  readonly seen: readonly string[];
}

/** Dialling: the initial dials, dials in flight, lost members being redialled. */
export interface DialerSlice {
  /** Initial dial targets whose outcome (handshake or failure) is not known yet. */
  readonly initialPending: ReadonlySet<string>;
  /** Targets with a dial in flight. */
  readonly dialing: ReadonlySet<string>;
  readonly redials: ReadonlyMap<string, Redial>;
  /** Seeds the backoff's jitter; a draw returns the next seed. */
  readonly rng: number;
}

/** Gossip held back to be sent in one frame. */
export interface GossipSlice {
  /** Members who joined since gossip was last sent: told to the others in one frame. */
  readonly joined: readonly string[];
  /** When the gossip now held (joins or a grown link set) was first held back. */
  readonly heldAt: number;
  /** The link set grew since it was last told, and when that was. */
  readonly linksChanged: boolean;
  readonly linksAnnouncedAt: number;
}

/** Pings and the judging of silence. */
export interface LivenessSlice {
  readonly lastPingAt: number;
  /** Since when reading from links is held while stdout catches up (silence then is not judged). */
  readonly readingHeldSince?: number;
}

/** The whole node, in slices; each module of the core reads what it needs and writes its own. */
export interface NodeState {
  readonly config: NodeConfig;
  readonly links: ReadonlyMap<LinkId, Link>;
  readonly members: ReadonlyMap<string, Member>;
  /** Public keys seen per name, to flag a name that comes back with another key (bounded). */
  readonly keysByName: ReadonlyMap<string, readonly string[]>;
  readonly chat: ChatSlice;
  readonly direct: DirectSlice;
  readonly dialer: DialerSlice;
  readonly gossip: GossipSlice;
  readonly liveness: LivenessSlice;
  readonly leaving: Leaving;
}

export function initialState(config: NodeConfig): NodeState {
  return {
    config,
    links: new Map(),
    members: new Map(),
    keysByName: new Map(),
    chat: {
      seq: 0,
      delivery: emptyDelivery<Logged>(),
      log: [],
      waiting: [],
      owed: new Map(),
      unheard: 0,
      refused: 0,
    },
    direct: { seq: 0, seen: [] },
    dialer: { initialPending: new Set(), dialing: new Set(), redials: new Map(), rng: config.seed },
    gossip: {
      joined: [],
      heldAt: 0,
      linksChanged: false,
      linksAnnouncedAt: Number.NEGATIVE_INFINITY,
    },
    liveness: { lastPingAt: 0 },
    leaving: { phase: 'staying' },
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

/** The state with some fields of one slice replaced (the slice copied once). */
export function withChat(state: NodeState, patch: Partial<ChatSlice>): NodeState {
  return { ...state, chat: { ...state.chat, ...patch } };
}
export function withDirect(state: NodeState, patch: Partial<DirectSlice>): NodeState {
  return { ...state, direct: { ...state.direct, ...patch } };
}
export function withDialer(state: NodeState, patch: Partial<DialerSlice>): NodeState {
  return { ...state, dialer: { ...state.dialer, ...patch } };
}
export function withGossip(state: NodeState, patch: Partial<GossipSlice>): NodeState {
  return { ...state, gossip: { ...state.gossip, ...patch } };
}
