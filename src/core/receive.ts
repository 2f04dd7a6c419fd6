import type { Frame } from '../protocol/frames.js';
import { onChat } from './chat.js';
import { sendFrames } from './chat-send.js';
import { withEntry } from './collections.js';
import { openStartWindow } from './delivery-start.js';
import { onDigest } from './digest.js';
import { onDirect } from './direct.js';
import type { Effect } from './effect.js';
import { startFromOrigin } from './gaps.js';
import { onLinks } from './gossip.js';
import { onHello, onProof } from './handshake.js';
import { linkRef } from './labels.js';
import { onPong, pongFor } from './liveness.js';
import { replayFor } from './log.js';
import { memberQuit, memberSwapping } from './member-life.js';
import { onMembers } from './membership.js';
import { presentStreams } from './present.js';
import type { Link, NodeState } from './state.js';
import { withChat } from './state.js';

/** A frame from a link: the handshake first, then every other frame type from a member. */
export function onFrame(
  state: NodeState,
  link: Link,
  frame: Frame,
  at: number,
  out: Effect[],
): NodeState {
  if (frame.type === 'hello') return onHello(state, link, frame, out);
  if (frame.type === 'proof') return onProof(state, link, frame.sig, at, out);
  if (link.peer === undefined) {
    out.push({
      kind: 'warn',
      warning: { code: 'beforeHandshake', link: linkRef(state, link), frame: frame.type },
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
      // Catch-up, second half: send the peer what it lacks (of the streams it wants, for a pull).
      // The first `have` opens the window in which streams never delivered from may start.
      const delivery = openStartWindow(heard.chat.delivery, at, heard.config.startWindowMs);
      const opened = delivery === heard.chat.delivery ? heard : withChat(heard, { delivery });
      const member = opened.members.get(link.peer);
      const next =
        member === undefined ? opened : startFromOrigin(opened, member, frame.floor, out);
      // A stream its have does not name: sent on the first have of a link (a newcomer lacks
      // everything), or when it is present here; else the peer had it and let it go.
      const present = link.caughtUp === true ? presentStreams(next) : undefined;
      const unnamed = (stream: string): boolean => present?.has(stream) ?? true;
      const replay = replayFor(next.chat.log, frame.vector, frame.want, unnamed);
      const caughtUp = { ...heardLink, caughtUp: true as const };
      const marked = { ...next, links: withEntry(next.links, link.id, caughtUp) };
      return sendFrames(marked, [link.id], replay, out);
    }
    case 'links': {
      const member = heard.members.get(link.peer);
      return member === undefined ? heard : onLinks(heard, member, frame);
    }
    case 'members':
      return onMembers(heard, frame, out);
    case 'ping': {
      out.push({ kind: 'send', links: [link.id], frame: pongFor(heard, link, frame.t) });
      return frame.sum === undefined ? heard : onDigest(heard, heardLink, frame.sum, at, out);
    }
    case 'pong': {
      const next = onPong(heard, link, frame.t, frame.seen, at);
      return frame.sum === undefined ? next : onDigest(next, heardLink, frame.sum, at, out);
    }
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
  if (reason === 'quit') return memberQuit(state, link, out);
  if (reason === 'duplicate') return memberSwapping(state, link, at);
  out.push({
    kind: 'warn',
    warning: { code: 'refusedByPeer', link: linkRef(state, link), detail: detail ?? reason },
  });
  return state;
}
