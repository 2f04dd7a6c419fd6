import type { Frame } from '../protocol/frames.js';
import type { DialPurpose, LinkId } from './event.js';
import type { OutputEvent } from './output-event.js';
import type { Named, Warning } from './warning.js';

/**
 * What the core asks the edges to do, as plain data. The core never performs
 * I/O itself; the sinks in src/io carry these out.
 */
export type Effect =
  /**
   * Show an event: a JSON line with --json, a human line otherwise, naming
   * `who` (flagged when it came back with another key than its name had).
   */
  | {
      readonly kind: 'emit';
      readonly event: OutputEvent;
      readonly who?: Named;
      readonly newKey?: true;
    }
  /** A line for a person on stderr; `key` groups repeats so a burst prints once with a count. */
  | { readonly kind: 'warn'; readonly warning: Warning; readonly key?: string }
  /** The list of commands, for a person on stdout (not shown with --json). */
  | { readonly kind: 'help' }
  /** Serialise `frame` once and write those bytes to every link listed. */
  | { readonly kind: 'send'; readonly links: readonly LinkId[]; readonly frame: Frame }
  | { readonly kind: 'dial'; readonly target: string; readonly purpose: DialPurpose }
  /**
   * The link's handshake is done: it carries a member now. The edge no longer
   * counts it among the connections still without a handshake.
   */
  | { readonly kind: 'member'; readonly link: LinkId }
  /** Close a link: `graceful` ends it after what was written; otherwise destroy it. */
  | { readonly kind: 'close'; readonly link: LinkId; readonly graceful: boolean }
  /** Stop (true) or go on (false) reading from every link: TCP then slows the senders. */
  | { readonly kind: 'holdReading'; readonly held: boolean }
  /** Stop (true) or go on (false) reading stdin. */
  | { readonly kind: 'holdInput'; readonly held: boolean }
  /**
   * The last effect: the effect stream completes after it and the node exits
   * with `code` once stdout drained; `now` does not wait for stdout.
   */
  | { readonly kind: 'exit'; readonly code: number; readonly now: boolean };

export type EffectKind = Effect['kind'];
