/** The ids of the members the sender is linked with now (for forwarding, and who is present). */
export interface LinksFrame {
  readonly type: 'links';
  readonly peers: readonly string[];
  /** Goodbyes said to the sender since its last `links` by members it no longer lists, as signed. */
  readonly quit?: readonly Goodbye[];
  /** The sender's count of its own `links` (from 1 each start) and its signature: a view others may pass on. */
  readonly n?: number;
  readonly sig?: string;
}

/** A member's signed goodbye, as its peers pass it on in `links`. */
export interface Goodbye {
  readonly id: string;
  readonly inc: string;
  /** The leaver's signature of `rxchat-quit-v3`, its id and incarnation. */
  readonly sig: string;
}

/** A member's signed `links`, as others pass it on: whom `id` is linked with (see views.ts). */
export interface View {
  readonly id: string;
  readonly inc: string;
  readonly n: number;
  readonly peers: readonly string[];
  readonly sig: string;
  readonly quit?: readonly Goodbye[];
}

/** Views of members passed on, so members not linked with them know whom they are linked with. */
export interface ViewsFrame {
  readonly type: 'views';
  readonly views: readonly View[];
}

/** Links bounded: ids only — the newest seq of each stream the sender has (see tree.ts). */
export interface IhaveFrame {
  readonly type: 'ihave';
  readonly vector: Readonly<Record<string, number>>;
}

/** The sender lacks what an `ihave` named: `vector` is what it has of those streams (see tree.ts). */
export interface GraftFrame {
  readonly type: 'graft';
  readonly vector: Readonly<Record<string, number>>;
}

/**
 * Links bounded, a leaving member asks the room to confirm its lines up to `seq`:
 * signed by it, passed down its tree (see confirm.ts); `round` counts its asks.
 */
export interface AskFrame {
  readonly type: 'ask';
  readonly origin: string;
  readonly inc: string;
  readonly seq: number;
  readonly round: number;
  readonly sig: string;
}

/** A member's signed word that it delivered stream `of` up to `seq`. */
export interface Seen {
  readonly id: string;
  readonly inc: string;
  readonly of: string;
  readonly seq: number;
  readonly sig: string;
}

/** Confirmations on their way back to the member that asked, hop by hop. */
export interface SeenFrame {
  readonly type: 'seen';
  readonly seen: readonly Seen[];
}

/** The frames of links and of bounded links. */
export type OverlayFrame = LinksFrame | ViewsFrame | IhaveFrame | GraftFrame | AskFrame | SeenFrame;
