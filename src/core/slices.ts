import type { LinksFrame } from '../protocol/frames.js';
import type { AskHeld } from './confirm.js';
import type { DeliveryState } from './delivery.js';
import type { Parked } from './direct-parked.js';
import type { Log, Logged } from './log.js';
import type { OverlayGraph } from './overlay-graph.js';
import type { Redial } from './redial.js';
import type { Relayed } from './relay.js';
import type { ReplayWindow } from './replay-window.js';
import type { Retry } from './retry.js';
import type { Announced } from './tree.js';

/** The slices of the node's state beside its links, members and leaving (see state.ts). */

/**
 * This node's chat: its own sequence number, causal delivery of everyone's
 * messages, the log kept for catch-up, and lines waiting for the initial dials.
 */
export interface ChatSlice {
  /** The last sequence number used for this node's messages. */
  readonly seq: number;
  /** What this node's previous burst depended on, entry by entry: the next carries what changed. */
  readonly depsSent: ReadonlyMap<string, number>;
  /** Causal delivery: the version vector and the held-back messages. */
  readonly delivery: DeliveryState<Logged>;
  /** The newest delivered and sent messages, for catch-up. */
  readonly log: Log;
  /** stdin lines (commands too) read before the initial dials settled: they run after, in order. */
  readonly waiting: readonly string[];
  /** Members present when this node sent a line: the last sequence number each was sent. */
  readonly owed: ReadonlyMap<string, number>;
  /** Lines sent while no member was linked. */
  readonly unheard: number;
  /** Lines and direct messages refused (too long, no room in a frame, no such member). */
  readonly refused: number;
  /** When this node, fresh (nothing delivered from anyone), asked one link for everything. */
  readonly catchUpAt?: number;
  /** Held streams: when their missing predecessors were last asked for (see pull). */
  readonly pulledAt: ReadonlyMap<string, number>;
  /** Links bounded: the newest seq per stream to tell every link in an `ihave`, since when (see tree.ts). */
  readonly ihave: ReadonlyMap<string, number>;
  readonly ihaveSince?: number;
  /** Messages `ihave` frames told of that this node lacks, grafted if they do not come (see tree.ts). */
  readonly announced: ReadonlyMap<string, Announced>;
  /** Links bounded: asks to confirm taken, per stream (see confirm.ts); this node's own asks. */
  readonly asks: ReadonlyMap<string, AskHeld>;
  readonly askRound: number;
  readonly askedAt?: number;
}

/** Direct messages: this node's count, the numbers seen, those waiting for their sender, its own awaiting a receipt. */
export interface DirectSlice {
  /** The last number this incarnation gave a direct message or receipt: one count for all. */
  readonly seq: number;
  /** Per sender stream writing to this node: the numbers it took (see direct-seen.ts). */
  readonly received: ReadonlyMap<string, ReplayWindow>;
  /** Per `<sender stream>><addressee id>` this node passed on: the numbers (bounded). */
  readonly passed: ReadonlyMap<string, ReplayWindow>;
  /** Direct messages to this node whose sender's announcement has not come yet (bounded). */
  readonly parked: readonly Parked[];
  /** This node's direct messages not yet confirmed delivered, by `<addressee id>:<n>`. */
  readonly pending: ReadonlyMap<string, PendingDirect>;
  /** How many of them were not delivered within the linger. */
  readonly undelivered: number;
}

/** A direct message of this node's that awaits its receipt. */
export interface PendingDirect {
  readonly to: string;
  readonly name: string;
  readonly n: number;
  readonly sentAt: number;
  /** When it is reported not delivered. */
  readonly deadline: number;
}

/** Dialling: the initial dials, dials in flight, lost members being redialled. */
export interface DialerSlice {
  /** Initial dial targets whose outcome (handshake or failure) is not known yet. */
  readonly initialPending: ReadonlySet<string>;
  /** Targets with a dial in flight. */
  readonly dialing: ReadonlySet<string>;
  readonly redials: ReadonlyMap<string, Redial>;
  /** Peers named on the command line that are not up yet, tried again. */
  readonly retries: ReadonlyMap<string, Retry>;
  /** Seeds the backoff's jitter; a draw returns the next seed. */
  readonly rng: number;
  /** When the overlay last dialled or shed (see overlay.ts). */
  readonly refilledAt?: number;
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
  /** The members reached from this node's links through the members' `links` (see vouching.ts). */
  readonly reached: ReadonlySet<string>;
  /** Links bounded: when views or members first changed since who is reached was worked out (reach-later.ts). */
  readonly reachStaleAt?: number;
  /** Links bounded: the members' views among those reached, as they were then (see overlay-graph.ts). */
  readonly overlay?: OverlayGraph;
  /** The number of this node's last `links`, and that frame (see views.ts). */
  readonly viewN: number;
  readonly lastLinks?: LinksFrame;
  /** Members whose announcement or view is to be passed on with the next gossip (see relay.ts). */
  readonly relay: readonly Relayed[];
}

/** Pings and the judging of silence. */
export interface LivenessSlice {
  readonly lastPingAt: number;
  /** Since when reading from links is held while stdout catches up (silence then is not judged). */
  readonly readingHeldSince?: number;
}
