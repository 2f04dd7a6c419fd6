import type { DirectFrame, SealedContent } from '../protocol/frames.js';
import { sealedContent } from '../protocol/validate-messages.js';
import { route, sealFor } from './direct.js';
import { isAnnounced, park, unpark, viaOf } from './direct-parked.js';
import { directId, onReceipt } from './direct-pending.js';
import { senderStream, takePassed, takeReceived } from './direct-seen.js';
import type { Effect } from './effect.js';
import { namedOf } from './labels.js';
import { WINDOW_BITS } from './replay-window.js';
import { directHeaderText, directKeyInfo, verifyDirect } from './signing.js';
import type { NodeState } from './state.js';
import { ownStream } from './state.js';

/** The name a direct message's sender goes by here: as it announced, else its id's start. */
function senderName(state: NodeState, origin: string): string {
  return state.members.get(origin)?.name ?? origin.slice(0, 8);
}

/** The box opened and read; undefined when it does not open for this node, or holds neither kind. */
function opened(state: NodeState, frame: DirectFrame): SealedContent | undefined {
  const info = directKeyInfo(senderStream(frame), ownStream(state));
  const plain = state.config.box.open(frame.dh, info, frame.n, directHeaderText(frame), frame.box);
  return plain === undefined ? undefined : sealedContent(plain);
}

/** Shows a direct message for this node, and answers with its receipt, sealed the same way. */
function deliver(
  state: NodeState,
  frame: DirectFrame,
  content: Extract<SealedContent, { kind: 'message' }>,
  out: Effect[],
): NodeState {
  out.push({
    kind: 'emit',
    event: {
      event: 'message',
      from: content.name,
      origin: frame.origin,
      id: directId(senderStream(frame), frame.n),
      text: content.text,
      time: content.time,
      history: false,
      action: content.action,
      to: frame.to,
    },
    who: namedOf(state, frame.origin, content.name),
  });
  const sender = { id: frame.origin, inc: frame.inc, dh: frame.dh };
  const receipt = sealFor(state, sender, JSON.stringify({ delivered: frame.n }));
  if (typeof receipt === 'string') return state;
  const links = route(receipt.state, frame.origin, undefined);
  if (links.length > 0) out.push({ kind: 'send', links, frame: receipt.frame });
  return receipt.state;
}

/**
 * A direct message arrived: dropped unless signed by its origin's key and new
 * in its sequence; passed on toward its addressee if it is for another member;
 * opened and shown (or taken as a receipt) if it is for this incarnation and
 * from a member's announced incarnation.
 */
export function onDirect(
  state: NodeState,
  frame: DirectFrame,
  from: string | undefined,
  at: number,
  out: Effect[],
): NodeState {
  if (frame.origin === state.config.id) return state;
  if (!verifyDirect(state.config.identity, frame)) {
    const name = senderName(state, frame.origin);
    out.push({
      kind: 'warn',
      warning: { code: 'forgedDirect', name, origin: frame.origin, ...viaOf(state, from) },
      key: `forged-dm:${from ?? ''}`,
    });
    return state;
  }
  if (frame.to !== state.config.id) return passOn(state, frame, from, out);
  // For an earlier incarnation of this node: its key is gone with it.
  if (frame.toInc !== state.config.incarnation) return state;
  if (!isAnnounced(state, frame)) return park(state, frame, from, at, out);
  // What of its sender waited for its announcement goes first.
  const released = receiveParked(state, at, out, frame.origin);
  const next = takeReceived(released, frame);
  // (What was released stays released, and its receipts' numbers stay used.)
  if (next === undefined) return staleWarning(released, frame, from, out);
  const content = opened(next, frame);
  if (content === undefined) {
    const sender = namedOf(next, frame.origin, senderName(next, frame.origin));
    out.push({
      kind: 'warn',
      warning: { code: 'unreadableDirect', from: sender },
      key: `unreadable-dm:${from ?? ''}`,
    });
    return next;
  }
  return content.kind === 'receipt'
    ? onReceipt(next, frame.origin, content.delivered, out)
    : deliver(next, frame, content, out);
}

/**
 * A number this node took before is a copy (another path, or a replay), dropped
 * without a word; one more than WINDOW_BITS below its sender's highest may be
 * a message overtaken on the way, and is dropped with a warning.
 */
function staleWarning(
  state: NodeState,
  frame: DirectFrame,
  from: string | undefined,
  out: Effect[],
): NodeState {
  const top = state.direct.received.get(senderStream(frame))?.top ?? 0;
  if (top - 1 - frame.n >= WINDOW_BITS) {
    const sender = namedOf(state, frame.origin, senderName(state, frame.origin));
    out.push({
      kind: 'warn',
      warning: { code: 'staleDirect', from: sender, behind: top - frame.n },
      key: `stale-dm:${from ?? ''}`,
    });
  }
  return state;
}

/**
 * Passed on once, and only toward a member this node knows of and that has
 * not left: a direct message to an id nobody knows would otherwise travel to
 * every member (nor is its number kept).
 */
function passOn(
  state: NodeState,
  frame: DirectFrame,
  from: string | undefined,
  out: Effect[],
): NodeState {
  const addressee = state.members.get(frame.to);
  if (addressee === undefined || addressee.state === 'quit') return state;
  const next = takePassed(state, frame);
  if (next === undefined) return state;
  const links = route(next, frame.to, from);
  if (links.length > 0) out.push({ kind: 'send', links, frame });
  return next;
}

/** The direct messages that waited for their sender's announcement and have it now: received. */
export function receiveParked(
  state: NodeState,
  at: number,
  out: Effect[],
  origin?: string,
): NodeState {
  const { state: unparked, ready } = unpark(state, at, out, origin);
  let next = unparked;
  for (const parked of ready) next = onDirect(next, parked.frame, parked.from, at, out);
  return next;
}
