import type { ChatFrame } from '../protocol/frames.js';
import { messageId, streamOf } from '../protocol/frames.js';
import { sendFrames } from './chat-send.js';
import { withEntry } from './collections.js';
import { receive } from './delivery.js';
import type { Effect } from './effect.js';
import type { LinkId } from './event.js';
import { labelOf } from './labels.js';
import type { Logged } from './log.js';
import { appendLog, loggedOf } from './log.js';
import { verifyChat } from './signing.js';
import type { Member, NodeState } from './state.js';
import { ownStream } from './state.js';

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
