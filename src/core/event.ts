import type { Frame } from '../protocol/frames.js';

/** Identifies one TCP connection for its whole life. */
export type LinkId = number;

export type Direction = 'in' | 'out';

/** Why a dial was made, so its outcome can be matched to the reason. */
export type DialPurpose =
  /** A peer named on the command line. */
  | { readonly kind: 'initial' }
  /** A member learned through gossip. */
  | { readonly kind: 'gossip'; readonly member: string }
  /** A member that was lost, tried again. */
  | { readonly kind: 'redial'; readonly member: string };

/**
 * Everything that happens to a node, as plain data. Every event carries `at`,
 * the clock's reading (ms since the epoch) when it happened.
 */
export type NodeEvent =
  | { readonly kind: 'start'; readonly at: number }
  /** Lines read from stdin in one read, without their line ends. */
  | { readonly kind: 'input'; readonly at: number; readonly lines: readonly string[] }
  | { readonly kind: 'inputEnd'; readonly at: number }
  | { readonly kind: 'signal'; readonly at: number; readonly signal: 'SIGINT' | 'SIGTERM' }
  | {
      readonly kind: 'linkUp';
      readonly at: number;
      readonly link: LinkId;
      /** The remote end of the socket, `host:port`. */
      readonly remote: string;
      readonly direction: Direction;
      /** Fresh random bytes (base64) for this link's hello: the peer must sign them. */
      readonly nonce: string;
      /**
       * In a closed room, what names this link's TLS session (the exporter, hex;
       * the same at both ends of one session): both handshake proofs sign it.
       */
      readonly binding?: string;
      /** For outgoing links: the address dialled and why. */
      readonly target?: string;
      readonly purpose?: DialPurpose;
    }
  | {
      readonly kind: 'dialFailed';
      readonly at: number;
      readonly target: string;
      readonly purpose: DialPurpose;
      readonly reason: string;
    }
  | { readonly kind: 'frame'; readonly at: number; readonly link: LinkId; readonly frame: Frame }
  /** Input from a link that was dropped; `fatal` when the link is being closed for it. */
  | {
      readonly kind: 'badInput';
      readonly at: number;
      readonly link: LinkId;
      readonly problem: string;
      readonly fatal: boolean;
    }
  | {
      readonly kind: 'linkDown';
      readonly at: number;
      readonly link: LinkId;
      readonly reason: string;
    }
  /** A connection turned away before it became a link (limits, its first byte, TLS). */
  | {
      readonly kind: 'refused';
      readonly at: number;
      readonly remote: string;
      readonly reason: string;
      /** Refusals of one group from one host are one warning, repeats counted; else by reason. */
      readonly group?: string;
      /** Counted together from every host (a flood from many addresses is one warning). */
      readonly anyHost?: true;
    }
  /**
   * stdout fell behind and the node stopped reading its links (true), or it
   * caught up and reads again (false). Silence while held is not the peers'.
   */
  | { readonly kind: 'readingHeld'; readonly at: number; readonly held: boolean }
  /**
   * A link's unsent data went over the edge's congestion mark (true), or it
   * drained (false; a congested link that closes drains just before its
   * linkDown). Once per crossing, never per write; see link-pressure.
   */
  | {
      readonly kind: 'congestion';
      readonly at: number;
      readonly link: LinkId;
      readonly congested: boolean;
    }
  /** A link's unsent data went over the edge's bound, `limitBytes`: a reader that does not read. */
  | {
      readonly kind: 'overfull';
      readonly at: number;
      readonly link: LinkId;
      readonly unsentBytes: number;
      readonly limitBytes: number;
    }
  /** A deadline of the core came (see nextDeadline): time-based rules run. */
  | { readonly kind: 'tick'; readonly at: number };

export type NodeEventKind = NodeEvent['kind'];
