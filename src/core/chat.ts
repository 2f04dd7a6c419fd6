import type { ChatFrame } from '../protocol/frames.js';
import { messageId, streamOf } from '../protocol/frames.js';
import { sendFrames } from './chat-send.js';
import { withEntry } from './collections.js';
import { answerAsk } from './confirm.js';
import { nothingNew } from './delivery.js';
import { receive } from './delivery-receive.js';
import type { Effect } from './effect.js';
import type { LinkId } from './event.js';
import { namedOf } from './labels.js';
import type { Logged } from './log.js';
import { appendLog, loggedOf } from './log.js';
import { isBounded } from './overlay.js';
import { presentStreams } from './present.js';
import { heldLimits } from './pull.js';
import { verifyChat } from './signing.js';
import type { Member, NodeState } from './state.js';
import { ownStream, withChat } from './state.js';
import { noteForLazy, treeLinks } from './tree.js';
import type { Named } from './warning.js';

/** Shows delivered messages and keeps them in the log. */
export function showDelivered(
  state: NodeState,
  delivered: readonly Logged[],
  out: Effect[],
  unmet?: ReadonlySet<Logged>,
): NodeState {
  if (delivered.length === 0) return state;
  // Consecutive messages mostly share their sender: it is named once for them.
  let who: Named | undefined;
  for (const message of delivered) {
    if (who?.id !== message.origin || who.name !== message.name)
      who = namedOf(state, message.origin, message.name);
    const event = {
      event: 'message',
      from: message.name,
      origin: message.origin,
      id: messageId(message.stream, message.seq),
      text: message.text,
      time: message.time,
      history: message.history,
      action: message.action,
    } as const;
    out.push({
      kind: 'emit',
      event: unmet?.has(message) === true ? { ...event, unmet: true } : event,
      who,
    });
  }
  return withChat(state, { log: appendLog(state.chat.log, delivered, state.config.historyLimit) });
}

/**
 * Forwarding where it is needed, and only there: to linked members other than
 * the one it came from that are not linked with the origin themselves — nor,
 * for a live frame, with the member it came from, which forwarded it to them
 * already. So a line of a member linked with one node of a mesh is read once
 * by each other member, not once per forwarder.
 */
function forwardTargets(
  state: NodeState,
  origin: string,
  from: string | undefined,
  replay: boolean,
): LinkId[] {
  const links: LinkId[] = [];
  for (const member of state.members.values()) {
    if (member.state !== 'linked' || member.link === undefined) continue;
    if (member.id === from || member.id === origin || member.peers?.has(origin) === true) continue;
    if (!replay && from !== undefined && member.peers?.has(from) === true) continue;
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
  // Every seq must be exact (the edge's validation refuses such frames; the core never trusts it).
  // (Subtracting: `seq + length` itself may round.)
  if (frame.seq > Number.MAX_SAFE_INTEGER - (frame.texts.length - 1)) return state;
  // Nothing new in it (every message delivered or held): dropped before any signature work.
  if (nothingNew(state.chat.delivery, stream, frame.seq, frame.texts.length)) return state;
  if (!verifyChat(state.config.identity, frame)) {
    // Dropped and not marked as seen: the genuine copy may still come by another path.
    const link = from === undefined ? undefined : state.members.get(from);
    out.push({
      kind: 'warn',
      warning: {
        code: 'forgedChat',
        name: frame.name,
        origin: frame.origin,
        ...(link === undefined ? {} : { via: namedOf(state, link.id, link.name) }),
      },
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
  // History, never live: a replay sent before this node started, or of a stream not present (a
  // member gone, or one whose retirement record was forgotten); and any frame of a stream not
  // present that was sent before this node started (`replay` is unsigned: a relay may drop it).
  const old = Date.parse(frame.time) < state.config.startedAt;
  const absent = (): boolean => !presentStreams(state).has(stream);
  const history = frame.replay === true ? old || absent() : old && absent();
  const messages = loggedOf(frame, stream, history);
  const result = receive(next.chat.delivery, messages, at, heldLimits(next.config));
  next = withChat(next, { delivery: result.state });
  if (result.dropped > 0) {
    out.push({
      kind: 'warn',
      warning: {
        code: 'heldFull',
        max: next.config.maxHeldPerOrigin,
        total: next.config.maxHeld,
        dropped: result.dropped,
        name: frame.name,
      },
      key: `held:${frame.origin}`,
    });
  }
  const late = result.late.length === 0 ? undefined : new Set(result.late);
  next = showDelivered(next, result.delivered, out, late);
  // An ask to confirm this stream waits for what was just delivered (confirm.ts).
  if (result.delivered.length > 0 && next.chat.asks.has(stream))
    next = answerAsk(next, stream, out);
  if (result.fresh === 0) return next;
  if (isBounded(next)) {
    // The tree: a live frame on down the origin's tree; ids to every link a little later.
    const last = frame.seq + frame.texts.length - 1;
    next = noteForLazy(next, stream, last, at);
    return frame.replay === true
      ? next
      : sendFrames(next, treeLinks(next, frame.origin, from, frame.origin), [frame], out);
  }
  const targets = forwardTargets(next, frame.origin, from, frame.replay === true);
  return sendFrames(next, targets, [frame], out);
}
