import type { Announcement, HelloFrame } from '../protocol/frames.js';
import { ownAnnouncement } from './announcement.js';
import type { NodeConfig } from './config.js';
import { emptyDelivery } from './delivery.js';
import type { DigestSeen } from './digest.js';
import type { DialPurpose, Direction, LinkId } from './event.js';
import type { Replayed } from './have-reply.js';
import type { Leaving } from './leaving.js';
import type { Logged } from './log.js';
import { EMPTY_LOG } from './log.js';
import type { PeerState } from './output-event.js';
import type { HelloSeen } from './signing.js';
import type { ChatSlice, DialerSlice, DirectSlice, GossipSlice, LivenessSlice } from './slices.js';
import type { ViewStamp } from './views.js';

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
  /** This node's hello on this link as it sent it (its nonce, the hash proofs name it by). */
  readonly sent: HelloSeen;
  /** The link's TLS session in a closed room (see the linkUp event): both proofs sign it. */
  readonly binding?: string;
  /** The peer's hello, while its proof of key possession is awaited. */
  readonly hello?: HelloFrame;
  /** The member at the other end, once its hello and proof checked out. */
  readonly peer?: string;
  /** Set once a `have` arrived on this link: later ones get no stream they leave out (see receive). */
  readonly caughtUp?: true;
  /** When this link is sent the `have` put off while another link's catch-up came (see catch-up). */
  readonly haveDueAt?: number;
  /** What answers to its `have` frames sent it this ping interval (see have-reply). */
  readonly replayed?: Replayed;
  /** The last comparison of vector sums on this link (see digest). */
  readonly digest?: DigestSeen;
}

/** Another node this node knows of. */
export interface Member {
  readonly id: string;
  readonly name: string;
  /** Its name's skeleton (look-alike.ts), worked out once: kept with the name it is of. */
  readonly skeleton?: { readonly of: string; readonly is: string };
  /** Where it listens. */
  readonly address: string;
  readonly mesh: boolean;
  /** Its public key, once linked (from its hello). */
  readonly key?: string;
  /** Its own signed announcement (from its hello, or gossip): what gossip about it passes on. */
  readonly ann?: Announcement;
  readonly state: PeerState;
  /** The link in use, while linked. */
  readonly link?: LinkId;
  /** When the link in use went away for a duplicate and its replacement is awaited. */
  readonly swappingSince?: number;
  /** The address named on our command line that reached it: redial that one. */
  readonly named?: string;
  readonly linkedAt?: number;
  /** How many times this node dialled it as a member heard of (bounded; see member-life). */
  readonly dialAttempts?: number;
  /** When it was last lost or quit: forgotten later (see forget.ts), unless back. */
  readonly leftAt?: number;
  /** When gossip last named it (see vouching.ts: a member nobody lists is not kept as known). */
  readonly heardAt?: number;
  readonly rttMs?: number;
  /** The ids it said it is linked with (its `links` frame): it needs no forwarding from them. */
  readonly peers?: ReadonlySet<string>;
  /** Its last signed `links`, to pass on while links are bounded (see views.ts). */
  readonly view?: ViewStamp;
  /** Shown joined while not linked (links bounded): its leaving is shown too (see vouching.ts). */
  readonly shown?: true;
  /** Links bounded: since when nobody reaches it (lost after a grace, see vouching.ts). */
  readonly unreachedAt?: number;
  /** When it shed this node's link (see overlay.ts): not dialled for a while. */
  readonly shedAt?: number;
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

/** The whole node, in slices; each module of the core reads what it needs and writes its own. */
export interface NodeState {
  readonly config: NodeConfig;
  /** This node's own announcement, signed once at start (see announcement.ts). */
  readonly announcement: Announcement;
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
    announcement: ownAnnouncement(config),
    links: new Map(),
    members: new Map(),
    keysByName: new Map(),
    chat: {
      seq: 0,
      depsSent: new Map(),
      delivery: emptyDelivery<Logged>(),
      log: EMPTY_LOG,
      waiting: [],
      owed: new Map(),
      unheard: 0,
      refused: 0,
      pulledAt: new Map(),
      ihave: new Map(),
      announced: new Map(),
      asks: new Map(),
      askRound: 0,
    },
    direct: {
      seq: 0,
      received: new Map(),
      passed: new Map(),
      parked: [],
      pending: new Map(),
      undelivered: 0,
    },
    dialer: {
      initialPending: new Set(),
      dialing: new Set(),
      redials: new Map(),
      retries: new Map(),
      rng: config.seed,
    },
    gossip: {
      joined: [],
      heldAt: 0,
      linksChanged: false,
      linksAnnouncedAt: Number.NEGATIVE_INFINITY,
      reached: new Set(),
      viewN: 0,
      relay: [],
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
