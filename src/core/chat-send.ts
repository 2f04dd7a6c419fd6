import type { ChatFrame } from '../protocol/frames.js';
import { burstFrames } from './burst.js';
import { depsOf } from './delivery.js';
import { deliverOwn } from './delivery-receive.js';
import type { Effect } from './effect.js';
import type { LinkId } from './event.js';
import { appendLog, loggedOf } from './log.js';
import { noteSent } from './outcome.js';
import { presentStreams } from './present.js';
import { settleReach } from './reach-later.js';
import { signChat } from './signing.js';
import { changedDeps, onlyOf } from './small-deps.js';
import type { NodeState, Outgoing } from './state.js';
import { ownStream, withChat } from './state.js';
import { noteForLazy, treeLinks } from './tree.js';

/** This node's own lines out: signed bursts to every linked member. */

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
  before: NodeState,
  texts: readonly Outgoing[],
  at: number,
  out: Effect[],
): NodeState {
  if (texts.length === 0) return before;
  // Who owes this line its confirmation: the members present now, not 50 ms ago.
  const state = settleReach(before, at, out);
  const time = new Date(at).toISOString();
  const stream = ownStream(state);
  const { id, incarnation, name } = state.config;
  // Of the streams present, what changed since this node's previous burst (see small-deps).
  const full = onlyOf(depsOf(state.chat.delivery, stream), presentStreams(state));
  const { deps, sent } = changedDeps(full, state.chat.depsSent);
  const header = { origin: id, inc: incarnation, name, seq: state.chat.seq + 1, deps, time };
  // Each frame is signed once; the log keeps the signed frame for catch-up.
  const frames = burstFrames(header, texts).map((frame) => signChat(state.config.identity, frame));
  const messages = frames.flatMap((frame) => loggedOf(frame, stream, false));
  const seq = state.chat.seq + texts.length;
  const next = withChat(state, {
    seq,
    depsSent: sent,
    delivery: deliverOwn(state.chat.delivery, stream, seq),
    log: appendLog(state.chat.log, messages, state.config.historyLimit),
  });
  // To every link; links bounded, the ids follow to every link a little later (tree.ts).
  const told = noteForLazy(noteSent(next, seq, texts.length), stream, seq, at);
  return sendFrames(told, treeLinks(told, state.config.id), frames, out);
}
