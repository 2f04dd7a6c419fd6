import type { ChatFrame, HaveFrame } from '../protocol/frames.js';
import { sendFrames } from './chat-send.js';
import { withEntry } from './collections.js';
import { openStartWindow } from './delivery-start.js';
import type { Effect } from './effect.js';
import { startFromOrigin } from './gaps.js';
import { replayFor } from './log.js';
import { presentStreams } from './present.js';
import type { Link, NodeState } from './state.js';
import { withChat } from './state.js';

/** What a link was sent in answer to `have` frames since `since`: bounded per ping interval. */
export interface Replayed {
  readonly since: number;
  readonly messages: number;
}

/** The frames of `frames` that fit in `budget` messages, oldest first (a burst is whole). */
function within(frames: readonly ChatFrame[], budget: number): ChatFrame[] {
  const out: ChatFrame[] = [];
  let left = budget;
  for (const frame of frames) {
    if (frame.texts.length > left) break;
    out.push(frame);
    left -= frame.texts.length;
  }
  return out;
}

/**
 * Catch-up, second half: send the peer what it lacks (of the streams it wants,
 * for a pull). The first `have` opens the window in which streams never
 * delivered from may start. A link is sent at most `--history` messages per
 * ping interval in answers, however many `have` frames it sends: the rest
 * comes with its next ask.
 */
export function onHave(
  state: NodeState,
  link: Link,
  frame: HaveFrame,
  at: number,
  out: Effect[],
): NodeState {
  const delivery = openStartWindow(state.chat.delivery, at, state.config.startWindowMs);
  const opened = delivery === state.chat.delivery ? state : withChat(state, { delivery });
  const member = link.peer === undefined ? undefined : opened.members.get(link.peer);
  const next = member === undefined ? opened : startFromOrigin(opened, member, frame.floor, out);
  // A stream its have does not name: sent on the first have of a link (a newcomer lacks
  // everything), or when it is present here; else the peer had it and let it go.
  const present = link.caughtUp === true ? presentStreams(next) : undefined;
  const unnamed = (stream: string): boolean => present?.has(stream) ?? true;
  const frames = replayFor(next.chat.log, frame.vector, frame.want, unnamed);
  return answerWithin(next, { ...link, caughtUp: true }, frames, at, out);
}

/**
 * Sends `link` what answers its ask, within the link's budget: at most
 * `--history` messages per ping interval, oldest first; the rest comes with its next ask.
 */
export function answerWithin(
  state: NodeState,
  link: Link,
  answer: readonly ChatFrame[],
  at: number,
  out: Effect[],
): NodeState {
  const { historyLimit, pingIntervalMs } = state.config;
  // This ping interval's budget, or a new one.
  const { replayed } = link;
  const spent =
    replayed !== undefined && at - replayed.since < pingIntervalMs
      ? replayed
      : { since: at, messages: 0 };
  const frames = within(answer, historyLimit - spent.messages);
  const messages = frames.reduce((n, f) => n + f.texts.length, spent.messages);
  const marked: Link = { ...link, replayed: { since: spent.since, messages } };
  return sendFrames(
    { ...state, links: withEntry(state.links, link.id, marked) },
    [link.id],
    frames,
    out,
  );
}
