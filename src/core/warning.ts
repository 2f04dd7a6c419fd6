/**
 * What the core has to say to a person, as data: `src/render/warning-text.ts`
 * words it. A member is named by `Named`, a link by `LinkRef`.
 */

/** A member as a person would name it: `tagged` when another member has its name (name#abcd). */
export interface Named {
  readonly name: string;
  readonly id: string;
  readonly tagged: boolean;
}

/** A link in a warning: its member if it has one, and always its remote address. */
export interface LinkRef {
  readonly remote: string;
  readonly member?: Named;
}

/** Why a name given to /msg or /whois picked no single member. */
export type Unresolved =
  | { readonly reason: 'none'; readonly target: string }
  | {
      readonly reason: 'ambiguous';
      readonly target: string;
      readonly name: string;
      readonly candidates: readonly Named[];
    };

/** A link that does not read what this node writes. */
export type NotReading =
  | { readonly kind: 'stalled'; readonly ms: number }
  | { readonly kind: 'overfull'; readonly limitBytes: number };

export type Warning =
  // stdin and commands
  | { readonly code: 'lineUnfit' }
  | { readonly code: 'lineTooLong'; readonly maxChars: number }
  | { readonly code: 'usage'; readonly command: 'me' | 'msg' | 'whois' }
  | { readonly code: 'unknownCommand'; readonly name: string }
  | { readonly code: 'unresolved'; readonly command: 'msg' | 'whois'; readonly why: Unresolved }
  | { readonly code: 'unreachable'; readonly member: Named }
  // dials and links
  | { readonly code: 'memberUnreachable'; readonly target: string; readonly reason: string }
  | { readonly code: 'linkLost'; readonly link: LinkRef; readonly reason: string }
  | {
      readonly code: 'notReading';
      readonly link: LinkRef;
      readonly lost: boolean;
      readonly why: NotReading;
    }
  | {
      readonly code: 'badInput';
      readonly link: LinkRef;
      readonly problem: string;
      readonly closed: boolean;
    }
  | { readonly code: 'beforeHandshake'; readonly link: LinkRef; readonly frame: string }
  | { readonly code: 'forgedMembers'; readonly link: LinkRef; readonly count: number }
  | { readonly code: 'noHandshake'; readonly link: LinkRef; readonly timeoutMs: number }
  | { readonly code: 'refusedByPeer'; readonly link: LinkRef; readonly detail: string }
  | { readonly code: 'refused'; readonly remote: string; readonly reason: string }
  | { readonly code: 'gaveUp'; readonly member: Named; readonly target: string }
  | {
      readonly code: 'stillTrying';
      readonly target: string;
      readonly attempt: number;
      readonly nextInMs: number;
      readonly reason: string;
    }
  | { readonly code: 'gaveUpPeer'; readonly target: string }
  // the handshake
  | { readonly code: 'secondHello'; readonly link: LinkRef }
  | {
      readonly code: 'incompatible';
      readonly name: string;
      readonly remote: string;
      readonly theirs: number;
      readonly ours: number;
    }
  | { readonly code: 'keyMismatch'; readonly name: string; readonly remote: string }
  | { readonly code: 'badAnnouncement'; readonly name: string; readonly remote: string }
  | { readonly code: 'proofFirst'; readonly remote: string }
  | { readonly code: 'badProof'; readonly name: string; readonly remote: string }
  | {
      readonly code: 'full';
      readonly name: string;
      readonly remote: string;
      readonly maxLinks: number;
    }
  // messages
  | {
      readonly code: 'forgedChat';
      readonly name: string;
      readonly origin: string;
      readonly via?: Named;
    }
  | {
      readonly code: 'forgedDirect';
      readonly name: string;
      readonly origin: string;
      readonly via?: Named;
    }
  | { readonly code: 'unreadableDirect'; readonly from: Named }
  | { readonly code: 'staleDirect'; readonly from: Named; readonly behind: number }
  | {
      readonly code: 'strangerDirect';
      readonly stream: string;
      /** It quit; it announced other keys; no announcement came in time; no room to wait. */
      readonly reason: 'left' | 'keys' | 'unannounced' | 'crowded';
      readonly via?: Named;
    }
  | { readonly code: 'undeliveredDirect'; readonly count: number }
  | {
      readonly code: 'heldFull';
      /** Held messages of one member, at most, and of all. */
      readonly max: number;
      readonly total: number;
      readonly dropped: number;
      readonly name: string;
    }
  // leaving
  | { readonly code: 'nobodyHeard'; readonly lines: number }
  | { readonly code: 'refusedLines'; readonly lines: number }
  | {
      readonly code: 'unconfirmed';
      readonly lingerMs: number;
      readonly members: readonly Named[];
      readonly lines: number;
    };

export type WarningCode = Warning['code'];
