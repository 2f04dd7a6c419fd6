import type { BackoffPolicy } from './backoff.js';
import { defaultBackoff } from './backoff.js';
import type { DirectBox, Identity } from './identity.js';

/** Everything the core needs to know about this node; fixed for its life. */
export interface NodeConfig {
  /** The node id: `identity.id`, derived from its public key. */
  readonly id: string;
  /** The node's key pair, as sign and verify functions. */
  readonly identity: Identity;
  /** New each start; with `id` it names this node's message stream. */
  readonly incarnation: string;
  /** This incarnation's X25519 key pair, its public half announced: seals direct messages. */
  readonly box: DirectBox;
  /** When the node started (ms): catch-up messages sent before it are history. */
  readonly startedAt: number;
  readonly name: string;
  /** The port actually bound (never 0). */
  readonly port: number;
  /** `host:port` others should use for this node, when given. */
  readonly advertise?: string;
  /** False with --no-mesh: link only with named peers and those that name us. */
  readonly mesh: boolean;
  /** Peers named on the command line, as given. */
  readonly peers: readonly string[];
  readonly peerTimeoutMs: number;
  readonly pingIntervalMs: number;
  readonly handshakeTimeoutMs: number;
  /** How long a lost member is redialled before giving up. */
  readonly redialForMs: number;
  readonly backoff: BackoffPolicy;
  /** Longest stdin line sent, in characters. */
  readonly maxLineChars: number;
  /** Seeds the jitter of the backoff. */
  readonly seed: number;
  /** Messages kept for catch-up. */
  readonly historyLimit: number;
  /** Messages held back waiting for a predecessor, at most. */
  readonly maxHeld: number;
  /** Of those, from one origin: its share (one member cannot fill the queue). */
  readonly maxHeldPerOrigin: number;
  /** After the first `have`: how long catch-up may start streams this node never delivered from. */
  readonly startWindowMs: number;
  /** How long a held message waits for a missing predecessor before a gap is declared. */
  readonly gapWaitMs: number;
  /** How long a leaving node waits for its lines to be confirmed. */
  readonly lingerMs: number;
  /** A link congested this long without draining is dropped as a reader that does not read. */
  readonly stallMs: number;
  /** Members linked at once (--max-links); the handshake of one more is refused. */
  readonly maxLinks: number;
  /** Links this node keeps open (--links); undefined: a full mesh up to a size, then fewer (overlay.ts). */
  readonly links?: number;
}

export const defaultTimings = {
  peerTimeoutMs: 3000,
  handshakeTimeoutMs: 5000,
  redialForMs: 10 * 60_000,
  maxLineChars: 16_000,
  historyLimit: 1000,
  maxHeld: 10_000,
  maxHeldPerOrigin: 2_000,
  startWindowMs: 1000,
  gapWaitMs: 5000,
  lingerMs: 5000,
  stallMs: 5000,
  maxLinks: 128,
} as const;

/** A config with the defaults, for tests and for the command line to extend. */
export function makeConfig(
  fields: Pick<NodeConfig, 'identity' | 'box' | 'name' | 'port'> & Partial<NodeConfig>,
): NodeConfig {
  const peerTimeoutMs = fields.peerTimeoutMs ?? defaultTimings.peerTimeoutMs;
  return {
    mesh: true,
    peers: [],
    handshakeTimeoutMs: defaultTimings.handshakeTimeoutMs,
    redialForMs: defaultTimings.redialForMs,
    backoff: defaultBackoff,
    maxLineChars: defaultTimings.maxLineChars,
    seed: 1,
    incarnation: '1',
    startedAt: 0,
    historyLimit: defaultTimings.historyLimit,
    maxHeld: defaultTimings.maxHeld,
    maxHeldPerOrigin: defaultTimings.maxHeldPerOrigin,
    gapWaitMs: defaultTimings.gapWaitMs,
    lingerMs: defaultTimings.lingerMs,
    stallMs: defaultTimings.stallMs,
    maxLinks: defaultTimings.maxLinks,
    ...fields,
    id: fields.identity.id,
    peerTimeoutMs,
    pingIntervalMs: fields.pingIntervalMs ?? Math.max(10, Math.floor(peerTimeoutMs / 3)),
    // The window never outlasts the gap wait: nothing is held longer than that.
    startWindowMs: Math.min(
      fields.startWindowMs ?? defaultTimings.startWindowMs,
      fields.gapWaitMs ?? defaultTimings.gapWaitMs,
    ),
  };
}
