import type { ByeFrame, Frame } from '../protocol/frames.js';
import { memberShed } from './bounded-member.js';
import { onChat } from './chat.js';
import { withEntry } from './collections.js';
import { onAsk, onSeen } from './confirm.js';
import { digestOf, onDigest } from './digest.js';
import { onDirect } from './direct-receive.js';
import type { Effect } from './effect.js';
import { onHello, onProof } from './handshake.js';
import { onHave } from './have-reply.js';
import { linkRef } from './labels.js';
import { onPong, pongFor } from './liveness.js';
import { memberQuit, memberSwapping } from './member-life.js';
import { onMembers } from './membership.js';
import type { Link, NodeState } from './state.js';
import { onGraft, onIhave } from './tree.js';
import { onLinks, onViews } from './views-receive.js';

/** A frame from a link: the handshake first, then every other frame type from a member. */
export function onFrame(
  state: NodeState,
  link: Link,
  frame: Frame,
  at: number,
  out: Effect[],
): NodeState {
  if (frame.type === 'hello') return onHello(state, link, frame, at, out);
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
      return onDirect(heard, frame, link.peer, at, out);
    case 'have':
      return onHave(heard, heardLink, frame, at, out);
    case 'links': {
      const member = heard.members.get(link.peer);
      return member === undefined ? heard : onLinks(heard, member, frame, at, out);
    }
    case 'views':
      return onViews(heard, heardLink, frame, at, out);
    case 'ihave':
    case 'graft':
    case 'ask':
    case 'seen': {
      const member = heard.members.get(link.peer);
      if (member?.link !== link.id) return heard;
      if (frame.type === 'ihave') return onIhave(heard, member, frame, at);
      if (frame.type === 'ask') return onAsk(heard, member, frame, at, out);
      if (frame.type === 'seen') return onSeen(heard, member, frame, out);
      return onGraft(heard, member, frame, at, out);
    }
    case 'members':
      return onMembers(heard, heardLink, frame, at, out);
    case 'ping': {
      // One digest for the pong and the comparison: the state is the same.
      const mine = digestOf(heard);
      out.push({ kind: 'send', links: [link.id], frame: pongFor(heard, link, frame.t, mine) });
      if (frame.sum === undefined) return heard;
      return onDigest(heard, heardLink, frame.sum, at, out, mine);
    }
    case 'pong': {
      const next = onPong(heard, link, frame.t, frame.seen, at);
      return frame.sum === undefined ? next : onDigest(next, heardLink, frame.sum, at, out);
    }
    case 'bye':
      return onByeFrame(heard, link, frame, at, out);
  }
}

function onByeFrame(
  state: NodeState,
  link: Link,
  { reason, detail, sig }: ByeFrame,
  at: number,
  out: Effect[],
): NodeState {
  // A goodbye ends the link from this side too: a peer that says bye and holds the socket open
  // does not keep a slot (the edge destroys a link it ended that the peer does not close).
  out.push({ kind: 'close', link: link.id, graceful: true });
  if (reason === 'quit') return memberQuit(state, link, at, out, sig);
  if (reason === 'duplicate') return memberSwapping(state, link, at);
  if (reason === 'shed') {
    const member = link.peer === undefined ? undefined : state.members.get(link.peer);
    return member?.link === link.id ? memberShed(state, member, at, out, true) : state;
  }
  out.push({
    kind: 'warn',
    warning: { code: 'refusedByPeer', link: linkRef(state, link), detail: detail ?? reason },
  });
  return state;
}
