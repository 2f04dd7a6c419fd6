import { isBounded } from './overlay.js';
import type { Member, NodeState } from './state.js';
import { withChat } from './state.js';
import { isReachedHeard } from './vouching.js';
import type { Warning } from './warning.js';

/** Exit code when this node was not heard: a line unconfirmed, unheard or refused. */
export const UNHEARD_EXIT_CODE = 3;

/**
 * A line went out as sequence numbers up to `seq`: every member linked now
 * owes a confirmation of it (one whose link is being swapped too: the
 * replacement's catch-up brings it the line); with none linked, nobody heard it.
 */
export function noteSent(state: NodeState, seq: number, lines: number): NodeState {
  // Links bounded: every member present owes it, linked or reached through others (confirm.ts).
  const bounded = isBounded(state);
  const linked = [...state.members.values()].filter(
    (member) => member.state === 'linked' || (bounded && isReachedHeard(state, member)),
  );
  if (linked.length === 0) return withChat(state, { unheard: state.chat.unheard + lines });
  const owed = new Map(state.chat.owed);
  for (const member of linked) owed.set(member.id, seq);
  return withChat(state, { owed });
}

/** A line, or a direct message, this node refused to send. */
export function noteRefused(state: NodeState): NodeState {
  return withChat(state, { refused: state.chat.refused + 1 });
}

/**
 * Members that were present when this node sent a line and have not
 * confirmed it (a member lost before the line does not owe it; one that
 * said goodbye does not either).
 */
export function owing(state: NodeState): Member[] {
  const out: Member[] = [];
  for (const [id, seq] of state.chat.owed) {
    const member = state.members.get(id);
    const present =
      member?.state === 'linked' || member?.state === 'known' || member?.state === 'connecting';
    if ((present || member?.state === 'lost') && member.confirmed < seq) out.push(member);
  }
  return out;
}

/**
 * With every present member's confirmation in: 0, or 3 with one line saying
 * why this node was not heard (nobody was linked; a line was refused; a
 * direct message was not delivered).
 */
export function verdictWhenConfirmed(state: NodeState): {
  readonly code: number;
  readonly warning?: Warning;
} {
  const { unheard, refused } = state.chat;
  if (unheard > 0)
    return { code: UNHEARD_EXIT_CODE, warning: { code: 'nobodyHeard', lines: unheard } };
  if (refused > 0)
    return { code: UNHEARD_EXIT_CODE, warning: { code: 'refusedLines', lines: refused } };
  const undelivered = state.direct.undelivered;
  if (undelivered > 0)
    return {
      code: UNHEARD_EXIT_CODE,
      warning: { code: 'undeliveredDirect', count: undelivered },
    };
  return { code: 0 };
}
