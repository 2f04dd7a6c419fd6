/**
 * The `--json` event stream: one of these per stdout line. docs/EVENTS.md is
 * the contract; EVENTS_VERSION is the `v` of `ready`.
 */

export const EVENTS_VERSION = 1;

export type LeaveReason = 'quit' | 'lost';
export type PeerState = 'linked' | 'connecting' | 'known' | 'lost' | 'quit';

export interface ReadyEvent {
  readonly event: 'ready';
  readonly v: number;
  readonly port: number;
  readonly id: string;
  readonly user: string;
}

export interface JoinEvent {
  readonly event: 'join';
  readonly user: string;
  readonly id: string;
  readonly address: string;
}

export interface MessageEvent {
  readonly event: 'message';
  readonly from: string;
  readonly origin: string;
  readonly id: string;
  readonly text: string;
  readonly time: string;
  /** Sent before this node joined; it arrived in catch-up. */
  readonly history: boolean;
  /** An action (`/me waves`). */
  readonly action: boolean;
  /** Present on a direct message (`/msg`): this node's own id, the addressee. */
  readonly to?: string;
  /** Present when shown after the gap wait with a message it depends on still missing. */
  readonly unmet?: true;
}

export interface LeaveEvent {
  readonly event: 'leave';
  readonly user: string;
  readonly id: string;
  readonly reason: LeaveReason;
}

export interface PeerEntry {
  readonly user: string;
  readonly id: string;
  readonly address: string;
  readonly state: PeerState;
  /** Round-trip time of the last ping, in ms; null before the first. */
  readonly rtt: number | null;
}

export interface PeersEvent {
  readonly event: 'peers';
  readonly peers: readonly PeerEntry[];
}

/** Messages of `origin` that no member could supply any more: skipped so the chat goes on. */
export interface GapEvent {
  readonly event: 'gap';
  readonly origin: string;
  /** The name its messages carried. */
  readonly user: string;
  readonly missing: number;
}

export interface LinkStats {
  readonly user: string;
  readonly id: string;
  /** Chat messages written to that member's link, and read from it. */
  readonly sent: number;
  readonly received: number;
  /** Chat frames (bursts) that carried them: messages per frame is the burst size. */
  readonly framesSent: number;
  readonly framesReceived: number;
}

export interface StatsEvent {
  readonly event: 'stats';
  readonly links: readonly LinkStats[];
}

/** The answer to `/whois`: who a member is, by key. */
export interface WhoisEvent {
  readonly event: 'whois';
  readonly user: string;
  readonly id: string;
  /** Its Ed25519 public key (raw, base64); null when never linked directly. */
  readonly key: string | null;
  readonly fingerprint: string | null;
  readonly address: string;
  readonly state: PeerState;
  /** How long it has been linked, in ms; null when not linked. */
  readonly linkedForMs: number | null;
}

/** The addressee of a direct message of this node's confirmed it: its receipt came. */
export interface DmDeliveredEvent {
  readonly event: 'dm-delivered';
  /** The addressee's id and name. */
  readonly to: string;
  readonly user: string;
  /** The message's id, as its addressee shows it. */
  readonly id: string;
}

/** No receipt came for a direct message of this node's within the linger. */
export interface DmUndeliveredEvent {
  readonly event: 'dm-undelivered';
  readonly to: string;
  readonly user: string;
  readonly id: string;
  /** How long the receipt was awaited, in ms (--linger). */
  readonly waitedMs: number;
}

export type OutputEvent =
  | ReadyEvent
  | JoinEvent
  | MessageEvent
  | LeaveEvent
  | PeersEvent
  | GapEvent
  | StatsEvent
  | WhoisEvent
  | DmDeliveredEvent
  | DmUndeliveredEvent;
