import { defaultTimings } from '../core/config.js';

/** What the command line asked for, checked. */
export interface CliOptions {
  readonly port: number;
  readonly name: string;
  readonly peers: readonly string[];
  /** Listen address; undefined means all interfaces. */
  readonly host?: string;
  readonly json: boolean;
  readonly quiet: boolean;
  /** False with --no-color. */
  readonly color: boolean;
  readonly advertise?: string;
  readonly mesh: boolean;
  readonly peerTimeoutMs: number;
  readonly redialForMs: number;
  readonly lingerMs: number;
  readonly gapWaitMs: number;
  readonly history: number;
  readonly maxLinks: number;
  /** Links kept open (--links); undefined: the default of src/core/overlay.ts. */
  readonly links?: number;
  /** Where the node's key is kept across restarts (--identity). */
  readonly identityFile?: string;
  /** Where the room secret is, when given as a file. */
  readonly secretFile?: string;
  /** The room secret, when the room is closed (from RXCHAT_SECRET or the file). */
  readonly secret?: Buffer;
}

export const OPTION_DEFAULTS = {
  peerTimeoutMs: defaultTimings.peerTimeoutMs,
  redialForMs: defaultTimings.redialForMs,
  lingerMs: defaultTimings.lingerMs,
  gapWaitMs: defaultTimings.gapWaitMs,
  history: defaultTimings.historyLimit,
  maxLinks: defaultTimings.maxLinks,
} as const;

/** Exit codes, documented in the README. */
export const EXIT = {
  ok: 0,
  cannotRun: 1,
  usage: 2,
  unconfirmed: 3,
} as const;
