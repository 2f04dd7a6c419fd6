import type { Frame } from '../protocol/frames.js';
import { hostOf } from './address.js';
import { exceedsFrame } from './burst.js';
import { adoptFloors, declareGaps, onChat, sendChat, sendFrames } from './chat.js';
import { withEntry, withMember, withoutEntry, withoutMember } from './collections.js';
import { COMMAND_HELP, parseCommand } from './command.js';
import { overdue } from './delivery.js';
import { onDirect, resolveMember, sendDirect } from './direct.js';
import type { Effect } from './effect.js';
import type { DialPurpose, NodeEvent } from './event.js';
import { forgetDeparted } from './forget.js';
import { helloFrame, onHello, onProof, settleInitial } from './handshake.js';
import { describeLink, labelOf } from './labels.js';
import { onBye, requestLeave, settle, whileClosing } from './leaving.js';
import { checkLiveness, holdReading, onPong, pongFor } from './liveness.js';
import { replayFor } from './log.js';
import {
  flushGossip,
  memberLost,
  onLinks,
  onMembers,
  peersEvent,
  statsEvent,
} from './membership.js';
import { EVENTS_VERSION } from './output-event.js';
import { dialDueRedials, redialFailed } from './redial.js';
import type { Link, NodeState, Outgoing } from './state.js';

export interface Step {
  readonly state: NodeState;
  readonly effects: readonly Effect[];
}

function onStart(state: NodeState, at: number, out: Effect[]): NodeState {
  const { id, name, port, peers } = state.config;
  out.push({ kind: 'emit', event: { event: 'ready', v: EVENTS_VERSION, port, id, user: name } });
  let next = state;
  for (const target of peers) {
    if (next.dialing.has(target)) continue;
    out.push({ kind: 'dial', target, purpose: { kind: 'initial' } });
    next = {
      ...next,
      dialing: withMember(next.dialing, target),
      initialPending: withMember(next.initialPending, target),
    };
  }
  return { ...next, lastPingAt: at };
}

function onInput(state: NodeState, lines: readonly string[], at: number, out: Effect[]): NodeState {
  let next = state;
  const texts: Outgoing[] = [];
  for (const raw of lines) {
    if (next.leaving.phase !== 'staying') break;
    const command = parseCommand(raw, next.config.maxLineChars);
    switch (command.kind) {
      case 'say':
        if (exceedsFrame(command.text)) {
          out.push({
            kind: 'warn',
            text: 'line refused: it does not fit in one frame once encoded',
          });
        } else texts.push({ text: command.text, action: command.action });
        break;
      case 'empty':
        break;
      case 'usage':
        out.push({ kind: 'warn', text: command.text });
        break;
      case 'direct':
        next = sendDirect(next, command.target, command.text, command.action, at, out);
        break;
      case 'tooLong':
        out.push({
          kind: 'warn',
          text: `a line over ${next.config.maxLineChars} characters was refused; nothing was sent`,
        });
        break;
      case 'quit':
        next = requestLeave(next, false, false, out);
        break;
      case 'peers':
        out.push({ kind: 'emit', event: peersEvent(next) });
        break;
      case 'stats':
        out.push({ kind: 'emit', event: statsEvent(next) });
        break;
      case 'whois':
        whois(next, command.target, at, out);
        break;
      case 'help':
        for (const [name, text] of COMMAND_HELP)
          out.push({ kind: 'notice', text: `${name.padEnd(20)} ${text}` });
        break;
      case 'unknown':
        out.push({
          kind: 'warn',
          text: `unknown command /${command.name}; /help lists the commands, //text sends /text`,
        });
        break;
    }
  }
  if (texts.length === 0) return next;
  if (next.initialPending.size > 0) return { ...next, held: [...next.held, ...texts] };
  return sendChat(next, texts, at, out);
}

function whois(state: NodeState, target: string, at: number, out: Effect[]): void {
  const resolved = resolveMember(state, target);
  if ('error' in resolved) {
    out.push({ kind: 'warn', text: `/whois: ${resolved.error}` });
    return;
  }
  const { member } = resolved;
  const linked = member.state === 'linked' && member.linkedAt !== undefined;
  out.push({
    kind: 'emit',
    event: {
      event: 'whois',
      user: member.name,
      id: member.id,
      key: member.key ?? null,
      fingerprint: member.key === undefined ? null : state.config.identity.fingerprint(member.key),
      address: member.address,
      state: member.state,
      linkedForMs: linked ? at - (member.linkedAt ?? at) : null,
    },
    label: labelOf(state, member.id, member.name),
  });
}

function onLinkUp(
  state: NodeState,
  event: Extract<NodeEvent, { kind: 'linkUp' }>,
  out: Effect[],
): NodeState {
  const link: Link = {
    id: event.link,
    remote: event.remote,
    direction: event.direction,
    openedAt: event.at,
    nonce: event.nonce,
    lastHeard: event.at,
    pingHeard: Number.NEGATIVE_INFINITY,
    pongHeard: Number.NEGATIVE_INFINITY,
    ...(event.target === undefined ? {} : { target: event.target }),
    ...(event.purpose === undefined ? {} : { purpose: event.purpose }),
  };
  const dialing =
    event.target === undefined ? state.dialing : withoutMember(state.dialing, event.target);
  out.push({ kind: 'send', links: [link.id], frame: helloFrame(state, event.nonce) });
  return { ...state, dialing, links: withEntry(state.links, link.id, link) };
}

/** A dial that never became a member: undo what it promised. */
function dialEnded(
  state: NodeState,
  purpose: DialPurpose | undefined,
  at: number,
  out: Effect[],
): NodeState {
  if (purpose?.kind === 'redial') return redialFailed(state, purpose.member, at, out);
  if (purpose?.kind === 'gossip') {
    const member = state.members.get(purpose.member);
    if (member?.state === 'connecting') {
      return {
        ...state,
        members: withEntry(state.members, member.id, { ...member, state: 'known' }),
      };
    }
  }
  return state;
}

function onDialFailed(
  state: NodeState,
  event: Extract<NodeEvent, { kind: 'dialFailed' }>,
  out: Effect[],
): NodeState {
  let next: NodeState = { ...state, dialing: withoutMember(state.dialing, event.target) };
  if (event.purpose.kind === 'initial') {
    out.push({
      kind: 'warn',
      text: `cannot reach ${event.target}: ${event.reason}; running without it`,
    });
    next = { ...next, initialPending: withoutMember(next.initialPending, event.target) };
  } else if (event.purpose.kind === 'gossip') {
    out.push({
      kind: 'warn',
      text: `cannot reach member at ${event.target}: ${event.reason}`,
      key: `gossip:${event.target}`,
    });
  }
  return dialEnded(next, event.purpose, event.at, out);
}

function onLinkDown(
  state: NodeState,
  event: Extract<NodeEvent, { kind: 'linkDown' }>,
  out: Effect[],
): NodeState {
  const link = state.links.get(event.link);
  if (link === undefined) return state;
  const next: NodeState = { ...state, links: withoutEntry(state.links, link.id) };
  if (link.peer === undefined) {
    if (link.purpose?.kind === 'initial' && next.initialPending.has(link.target ?? '')) {
      out.push({
        kind: 'warn',
        text: `${link.target} closed the connection before the handshake (${event.reason})`,
      });
    }
    return dialEnded(settleInitial(next, link), link.purpose, event.at, out);
  }
  const member = next.members.get(link.peer);
  if (member === undefined || member.link !== link.id || member.state !== 'linked') return next;
  if (event.reason !== 'connection closed') {
    out.push({
      kind: 'warn',
      text: `${describeLink(state, link)} lost: ${event.reason}`,
      key: `lost:${link.remote}`,
    });
  }
  return memberLost(next, member, event.at, out);
}

function onFrame(state: NodeState, link: Link, frame: Frame, at: number, out: Effect[]): NodeState {
  if (frame.type === 'hello') return onHello(state, link, frame, out);
  if (frame.type === 'proof') return onProof(state, link, frame.sig, at, out);
  if (link.peer === undefined) {
    out.push({
      kind: 'warn',
      text: `${describeLink(state, link)} sent "${frame.type}" before the handshake; closed`,
    });
    out.push({ kind: 'close', link: link.id, graceful: false });
    return state;
  }
  // Any frame is a sign of life; a ping or pong is also when the link last carried one.
  const heardLink: Link =
    frame.type === 'ping'
      ? { ...link, lastHeard: at, pingHeard: at }
      : frame.type === 'pong'
        ? { ...link, lastHeard: at, pongHeard: at }
        : { ...link, lastHeard: at };
  const heard: NodeState = { ...state, links: withEntry(state.links, link.id, heardLink) };
  switch (frame.type) {
    case 'chat':
      return onChat(heard, frame, link.peer, at, out);
    case 'dm':
      return onDirect(heard, frame, link.peer, out);
    case 'have': {
      // Catch-up, second half: start unknown streams where the peer's log starts, and send it what it lacks.
      const adopted = adoptFloors(heard, frame.floor, out);
      return sendFrames(adopted, [link.id], replayFor(adopted.log, frame.vector), out);
    }
    case 'links': {
      const member = heard.members.get(link.peer);
      return member === undefined ? heard : onLinks(heard, member, frame);
    }
    case 'members':
      return onMembers(heard, frame, out);
    case 'ping':
      out.push({ kind: 'send', links: [link.id], frame: pongFor(heard, link, frame.t) });
      return heard;
    case 'pong':
      return onPong(heard, link, frame.t, frame.seen, at);
    case 'bye':
      return onByeFrame(heard, link, frame.reason, frame.detail, at, out);
  }
}

function onByeFrame(
  state: NodeState,
  link: Link,
  reason: string,
  detail: string | undefined,
  at: number,
  out: Effect[],
): NodeState {
  if (reason === 'quit') return onBye(state, link, out);
  const member = link.peer === undefined ? undefined : state.members.get(link.peer);
  if (reason === 'duplicate' && member?.link === link.id) {
    const { link: _link, ...rest } = member;
    return {
      ...state,
      members: withEntry(state.members, member.id, { ...rest, swappingSince: at }),
    };
  }
  if (reason !== 'duplicate') {
    out.push({
      kind: 'warn',
      text: `${describeLink(state, link)} refused the link: ${detail ?? reason}`,
    });
  }
  return state;
}

function onBadInput(
  state: NodeState,
  event: Extract<NodeEvent, { kind: 'badInput' }>,
  out: Effect[],
): NodeState {
  const link = state.links.get(event.link);
  if (link === undefined) return state;
  const closing = event.fatal || link.peer === undefined;
  out.push({
    kind: 'warn',
    text: `${describeLink(state, link)}: ${event.problem}${closing ? '; connection closed' : '; dropped'}`,
    key: `${link.remote}:${event.problem}`,
  });
  if (closing) out.push({ kind: 'close', link: link.id, graceful: false });
  return state;
}

function dispatch(state: NodeState, event: NodeEvent, out: Effect[]): NodeState {
  switch (event.kind) {
    case 'start':
      return onStart(state, event.at, out);
    case 'input':
      return onInput(state, event.lines, event.at, out);
    case 'inputEnd':
      return requestLeave(state, false, false, out);
    case 'signal':
      return requestLeave(state, true, event.signal === 'SIGINT', out);
    case 'linkUp':
      return onLinkUp(state, event, out);
    case 'dialFailed':
      return onDialFailed(state, event, out);
    case 'linkDown':
      return onLinkDown(state, event, out);
    case 'frame': {
      const link = state.links.get(event.link);
      return link === undefined ? state : onFrame(state, link, event.frame, event.at, out);
    }
    case 'badInput':
      return onBadInput(state, event, out);
    case 'refused':
      out.push({
        kind: 'warn',
        text: `refused ${event.remote}: ${event.reason}`,
        key: `refused:${hostOf(event.remote)}:${event.reason}`,
      });
      return state;
    case 'readingHeld':
      // stdout fell behind (or caught up): stop (or go on) reading the links, so TCP slows the senders.
      out.push({ kind: 'holdReading', held: event.held });
      return holdReading(state, event.held, event.at);
    case 'congestion':
      // A link cannot keep up (or all drained): stop (or go on) reading stdin.
      out.push({ kind: 'holdInput', held: event.congested });
      return state;
    case 'tick': {
      const live = dialDueRedials(
        checkLiveness(flushGossip(state, event.at, out), event.at, out),
        event.at,
        out,
      );
      return forgetDeparted(
        declareGaps(live, overdue(live.delivery, event.at, live.config.gapWaitMs), out),
      );
    }
  }
}

/**
 * The whole node as one pure function: the state and an event in, the next
 * state and the effects to carry out. `scan` runs it; nothing here does I/O.
 */
export function step(state: NodeState, event: NodeEvent): Step {
  const effects: Effect[] = [];
  const { phase } = state.leaving;
  if (phase === 'closing' || phase === 'left')
    return { state: whileClosing(state, event, effects), effects };
  const next = settle(dispatch(state, event, effects), event.at, effects);
  return { state: next, effects };
}
