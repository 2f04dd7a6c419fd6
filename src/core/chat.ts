import type { ChatFrame } from '../protocol/frames.js';
import { messageId, originOf, streamOf } from '../protocol/frames.js';
import { burstFrames } from './burst.js';
import { withEntry } from './collections.js';
import { deliverOwn, receive, skipTo, vectorRecord } from './delivery.js';
import type { Effect } from './effect.js';
import type { LinkId } from './event.js';
import { labelOf } from './labels.js';
import type { Logged } from './log.js';
import { appendLog } from './log.js';
import { signChat, verifyChat } from './signing.js';
import type { Member, NodeState, Outgoing } from './state.js';
import { activeLinks, ownStream } from './state.js';

function countSent(
  state: NodeState,
  links: readonly LinkId[],
  messages: number,
  frames: number,
): NodeState {
  if (messages === 0 || links.length === 0) return state;
  const members = new Map(state.members);
  for (const member of state.members.values()) {
    if (member.link !== undefined && links.includes(member.link)) {
      members.set(member.id, {
        ...member,
        sent: member.sent + messages,
        framesSent: member.framesSent + frames,
      });
    }
  }
  return { ...state, members };
}

/** Sends frames to links, counting the messages per member. */
export function sendFrames(
  state: NodeState,
  links: readonly LinkId[],
  frames: readonly ChatFrame[],
  out: Effect[],
): NodeState {
  if (links.length === 0 || frames.length === 0) return state;
  let count = 0;
  for (const frame of frames) {
    out.push({ kind: 'send', links, frame });
    count += frame.texts.length;
  }
  return countSent(state, links, count, frames.length);
}

/** Sends this node's lines to every linked member, as few frames as fit. */
export function sendChat(
  state: NodeState,
  texts: readonly Outgoing[],
  at: number,
  out: Effect[],
): NodeState {
  if (texts.length === 0) return state;
  const time = new Date(at).toISOString();
  const stream = ownStream(state);
  const { id, incarnation, name } = state.config;
  // One deps object for the burst: nothing was delivered between these lines.
  const deps = vectorRecord(state.delivery.vector, stream);
  const header = { origin: id, inc: incarnation, name, seq: state.seq + 1, deps, time };
  // Each frame is signed once; the log keeps the signed frame for catch-up.
  const frames = burstFrames(header, texts).map((frame) => signChat(state.config.identity, frame));
  const messages = frames.flatMap((frame) => loggedOf(frame, stream, false));
  const seq = state.seq + texts.length;
  const next: NodeState = {
    ...state,
    seq,
    delivery: deliverOwn(state.delivery, stream, seq),
    log: appendLog(state.log, messages, state.config.historyLimit),
  };
  return sendFrames(next, activeLinks(next), frames, out);
}

/** The messages of a signed frame, as the log keeps them. */
function loggedOf(frame: ChatFrame, stream: string, history: boolean): Logged[] {
  const acts = frame.acts === undefined ? undefined : new Set(frame.acts);
  return frame.texts.map((text, index) => ({
    stream,
    seq: frame.seq + index,
    deps: frame.deps,
    origin: frame.origin,
    inc: frame.inc,
    name: frame.name,
    text,
    time: frame.time,
    history,
    action: acts?.has(index) === true,
    frame,
  }));
}

/** Shows delivered messages and keeps them in the log. */
export function showDelivered(
  state: NodeState,
  delivered: readonly Logged[],
  out: Effect[],
): NodeState {
  if (delivered.length === 0) return state;
  let labelFor = '';
  let label = '';
  for (const message of delivered) {
    if (message.origin !== labelFor) {
      labelFor = message.origin;
      label = labelOf(state, message.origin, message.name);
    }
    out.push({
      kind: 'emit',
      event: {
        event: 'message',
        from: message.name,
        origin: message.origin,
        id: messageId(message.stream, message.seq),
        text: message.text,
        time: message.time,
        history: message.history,
        action: message.action,
      },
      label,
    });
  }
  return { ...state, log: appendLog(state.log, delivered, state.config.historyLimit) };
}

/**
 * Forwarding where it is needed, and only there: to linked members other than
 * the one it came from that are not linked with the origin themselves.
 */
function forwardTargets(state: NodeState, origin: string, from: string | undefined): LinkId[] {
  const links: LinkId[] = [];
  for (const member of state.members.values()) {
    if (member.state !== 'linked' || member.link === undefined) continue;
    if (member.id === from || member.id === origin || member.peers?.has(origin) === true) continue;
    links.push(member.link);
  }
  return links;
}

function countReceived(state: NodeState, member: Member | undefined, messages: number): NodeState {
  if (member === undefined) return state;
  return {
    ...state,
    members: withEntry(state.members, member.id, {
      ...member,
      received: member.received + messages,
      framesReceived: member.framesReceived + 1,
    }),
  };
}

/** A chat frame arrived: deliver what is deliverable, forward what is new. */
export function onChat(
  state: NodeState,
  frame: ChatFrame,
  from: string | undefined,
  at: number,
  out: Effect[],
): NodeState {
  const stream = streamOf(frame.origin, frame.inc);
  if (!verifyChat(state.config.identity, frame)) {
    // Dropped and not marked as seen: the genuine copy may still come by another path.
    const link = from === undefined ? undefined : state.members.get(from);
    const via = link === undefined ? 'a link' : labelOf(state, link.id, link.name);
    out.push({
      kind: 'warn',
      text: `dropped a message claiming to be from ${frame.name} (${frame.origin.slice(0, 8)}) that came from ${via}: its signature does not verify`,
      key: `forged:${from ?? ''}`,
    });
    return state;
  }
  let next = countReceived(
    state,
    from === undefined ? undefined : state.members.get(from),
    frame.texts.length,
  );
  if (stream === ownStream(state)) return next;
  const history = frame.replay === true && Date.parse(frame.time) < state.config.startedAt;
  const messages = loggedOf(frame, stream, history);
  const result = receive(next.delivery, messages, at, {
    ordering: 'causal',
    maxHeld: next.config.maxHeld,
  });
  next = { ...next, delivery: result.state };
  if (result.dropped > 0) {
    out.push({
      kind: 'warn',
      text: `held-back queue full (${next.config.maxHeld} messages): dropped ${result.dropped} from ${frame.name}; catch-up will fetch them`,
      key: `held:${stream}`,
    });
  }
  next = showDelivered(next, result.delivered, out);
  if (result.fresh > 0) {
    const targets = forwardTargets(next, frame.origin, from);
    next = sendFrames(next, targets, [frame], out);
  }
  return next;
}

/** Streams a peer can no longer resend, adopted where this node never saw them: start there. */
export function adoptFloors(
  state: NodeState,
  floor: Readonly<Record<string, number>>,
  out: Effect[],
): NodeState {
  const adopt = new Map<string, number>();
  const own = ownStream(state);
  for (const stream of Object.keys(floor)) {
    if (stream !== own && !state.delivery.vector.has(stream)) adopt.set(stream, floor[stream] ?? 0);
  }
  if (adopt.size === 0) return state;
  const result = skipTo(state.delivery, adopt, 'causal');
  return showDelivered({ ...state, delivery: result.state }, result.delivered, out);
}

/** Gives up on predecessors nobody sent within the wait: a visible gap, never a stall. */
export function declareGaps(
  state: NodeState,
  floors: ReadonlyMap<string, number>,
  out: Effect[],
): NodeState {
  if (floors.size === 0) return state;
  for (const [stream, floor] of floors) {
    const missing = floor - (state.delivery.vector.get(stream) ?? 0);
    if (missing <= 0) continue;
    const origin = originOf(stream);
    out.push({ kind: 'emit', event: { event: 'gap', origin, missing } });
  }
  const result = skipTo(state.delivery, floors, 'causal');
  return showDelivered({ ...state, delivery: result.state }, result.delivered, out);
}
