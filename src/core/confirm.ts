import type { AskFrame, Seen, SeenFrame } from '../protocol/frames.js';
import { streamOf } from '../protocol/frames.js';
import { withEntry } from './collections.js';
import { doneOf } from './delivery.js';
import type { Effect } from './effect.js';
import type { LinkId } from './event.js';
import type { Member, NodeState } from './state.js';
import { ownStream, withChat } from './state.js';
import { treeLinks } from './tree.js';
import { isVouched } from './vouching.js';

/**
 * Confirmations without links: while links are bounded, a leaving node that
 * waits for members it is not linked with asks them (`ask`, signed, down its
 * own tree); each member answers once it has delivered the lines asked of it
 * with its own signed `seen`, which goes back hop by hop the way the ask came.
 * Nobody on the way can make up or change a confirmation; one that drops it
 * leaves the asker waiting, as a lost member would (exit 3).
 */

/** How often a lingering node asks the room again. */
export const ASK_EVERY_MS = 1000;

/** Confirmations of one `seen` frame checked, or passed on, at most. */
const MAX_SEEN_CHECKED = 128;

/** Asks kept (one per asking stream, the newest). */
const MAX_ASKS = 256;

/** An ask this node took: how far, which round, whom it came from, whether it answered. */
export interface AskHeld {
  /** When it came: a member's asks are taken at most every ASK_EVERY_MS / 2. */
  readonly at: number;
  readonly round: number;
  readonly seq: number;
  readonly from: string;
  readonly answered: boolean;
}

export function askText(origin: string, inc: string, seq: number, round: number): string {
  return ['rxchat-ask-v1', origin, inc, String(seq), String(round)].join('\n');
}

export function seenText(id: string, inc: string, of: string, seq: number): string {
  return ['rxchat-seen-v1', id, inc, of, String(seq)].join('\n');
}

/** Asks the room to confirm this node's lines, at most every ASK_EVERY_MS. */
export function askRoom(state: NodeState, at: number, out: Effect[]): NodeState {
  const { askedAt, askRound, seq } = state.chat;
  if (seq === 0 || (askedAt !== undefined && at - askedAt < ASK_EVERY_MS)) return state;
  const { id, incarnation, identity } = state.config;
  const round = askRound + 1;
  const sig = identity.sign(askText(id, incarnation, seq, round));
  const links = treeLinks(state, id);
  if (links.length > 0)
    out.push({
      kind: 'send',
      links,
      frame: { type: 'ask', origin: id, inc: incarnation, seq, round, sig },
    });
  return withChat(state, { askRound: round, askedAt: at });
}

/** An ask from the member at a link: passed down its origin's tree once per round, and answered. */
export function onAsk(
  state: NodeState,
  member: Member,
  frame: AskFrame,
  at: number,
  out: Effect[],
): NodeState {
  const origin = state.members.get(frame.origin);
  const stream = streamOf(frame.origin, frame.inc);
  if (origin?.ann === undefined || origin.ann.inc !== frame.inc) return state;
  // Only a member present (linked, or reached) asks, and not more often than it should.
  if (origin.state !== 'linked' && !(origin.state === 'known' && isVouched(state, origin.id)))
    return state;
  const held = state.chat.asks.get(stream);
  if (held !== undefined && (held.round >= frame.round || at - held.at < ASK_EVERY_MS / 2))
    return state;
  const text = askText(frame.origin, frame.inc, frame.seq, frame.round);
  if (!state.config.identity.verify(origin.ann.key, text, frame.sig)) return state;
  const ask: AskHeld = { at, round: frame.round, seq: frame.seq, from: member.id, answered: false };
  const links = treeLinks(state, frame.origin, member.id, frame.origin);
  if (links.length > 0) out.push({ kind: 'send', links, frame });
  const asks = new Map(state.chat.asks);
  asks.delete(stream);
  asks.set(stream, ask);
  // The newest MAX_ASKS streams' asks are kept: an old one's answer has gone long ago.
  for (const oldest of asks.keys()) {
    if (asks.size <= MAX_ASKS) break;
    asks.delete(oldest);
  }
  return answerAsk(withChat(state, { asks }), stream, out);
}

/** Answers the ask held for `stream` once this node delivered what it asks. */
export function answerAsk(state: NodeState, stream: string, out: Effect[]): NodeState {
  const held = state.chat.asks.get(stream);
  if (held === undefined || held.answered) return state;
  const { vector, retired } = state.chat.delivery;
  const done = doneOf(vector, retired, stream);
  if (done < held.seq) return state;
  const link = linkOf(state, held.from);
  const { id, incarnation, identity } = state.config;
  const seen: Seen = {
    id,
    inc: incarnation,
    of: stream,
    seq: done,
    sig: identity.sign(seenText(id, incarnation, stream, done)),
  };
  if (link !== undefined)
    out.push({ kind: 'send', links: [link], frame: { type: 'seen', seen: [seen] } });
  return withChat(state, { asks: withEntry(state.chat.asks, stream, { ...held, answered: true }) });
}

function linkOf(state: NodeState, id: string): LinkId | undefined {
  const member = state.members.get(id);
  return member?.state === 'linked' ? member.link : undefined;
}

/**
 * Confirmations on their way back: those of this node's own stream that
 * verify are taken; the others go on toward the member that asked.
 */
export function onSeen(
  state: NodeState,
  member: Member,
  frame: SeenFrame,
  out: Effect[],
): NodeState {
  const own = ownStream(state);
  const onward = new Map<LinkId, Seen[]>();
  let members: Map<string, Member> | undefined;
  let checked = 0;
  let passed = 0;
  for (const seen of frame.seen) {
    if (seen.of !== own) {
      // Back the way the ask came: only for an ask this node passed on, a bounded number a frame.
      const link = linkOf(state, state.chat.asks.get(seen.of)?.from ?? '');
      if (link === undefined || link === member.link || passed >= MAX_SEEN_CHECKED) continue;
      passed += 1;
      onward.set(link, [...(onward.get(link) ?? []), seen]);
      continue;
    }
    const by = (members ?? state.members).get(seen.id);
    if (by?.ann === undefined || by.ann.inc !== seen.inc || checked >= MAX_SEEN_CHECKED) continue;
    checked += 1;
    if (
      !state.config.identity.verify(
        by.ann.key,
        seenText(seen.id, seen.inc, seen.of, seen.seq),
        seen.sig,
      )
    )
      continue;
    members ??= new Map(state.members);
    members.set(by.id, {
      ...by,
      confirmed: Math.max(by.confirmed, Math.min(seen.seq, state.chat.seq)),
    });
  }
  for (const [link, seen] of onward)
    out.push({ kind: 'send', links: [link], frame: { type: 'seen', seen } });
  return members === undefined ? state : { ...state, members };
}
