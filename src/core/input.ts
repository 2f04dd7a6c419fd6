import { exceedsFrame } from './burst.js';
import { sendChat } from './chat-send.js';
import type { Command } from './command.js';
import { parseCommand } from './command.js';
import { resolveMember, sendDirect } from './direct.js';
import type { Effect } from './effect.js';
import { namedOf } from './labels.js';
import { requestLeave } from './leaving.js';
import { peersEvent, statsEvent } from './membership.js';
import { noteRefused } from './outcome.js';
import type { NodeState, Outgoing } from './state.js';
import { activeLinks, withChat } from './state.js';

/** One command of a stdin line; chat lines are collected in `texts` to go out as one burst. */
function run(
  state: NodeState,
  command: Command,
  texts: Outgoing[],
  at: number,
  out: Effect[],
): NodeState {
  switch (command.kind) {
    case 'say':
      if (exceedsFrame(command.text)) return refuseUnfit(state, out);
      texts.push({ text: command.text, action: command.action });
      return state;
    case 'empty':
      return state;
    case 'usage':
      out.push({ kind: 'warn', warning: { code: 'usage', command: command.command } });
      return state;
    case 'direct':
      return sendDirect(state, command.target, command.text, command.action, at, out);
    case 'tooLong':
      out.push({
        kind: 'warn',
        warning: { code: 'lineTooLong', maxChars: state.config.maxLineChars },
      });
      return noteRefused(state);
    case 'quit':
      return requestLeave(state, false, false, out);
    case 'peers':
      out.push({ kind: 'emit', event: peersEvent(state) });
      return state;
    case 'stats':
      out.push({ kind: 'emit', event: statsEvent(state) });
      return state;
    case 'whois':
      whois(state, command.target, at, out);
      return state;
    case 'help':
      out.push({ kind: 'help' });
      return state;
    case 'unknown':
      out.push({ kind: 'warn', warning: { code: 'unknownCommand', name: command.name } });
      return state;
  }
}

/** A line or direct message that would not fit in one frame once encoded: refused, nothing sent. */
function refuseUnfit(state: NodeState, out: Effect[]): NodeState {
  out.push({ kind: 'warn', warning: { code: 'lineUnfit' } });
  return noteRefused(state);
}

/** Lines from stdin: chat lines go out as one burst; commands run in order. */
export function onInput(
  state: NodeState,
  lines: readonly string[],
  at: number,
  out: Effect[],
): NodeState {
  if (state.leaving.phase !== 'staying') return state;
  // Before the initial dials settled, everything waits for them, commands too, in order.
  if (state.dialer.initialPending.size > 0)
    return withChat(state, { waiting: [...state.chat.waiting, ...lines] });
  return runLines(state, lines, at, out);
}

/** Runs lines in order (a burst of chat lines goes out as one), up to a /quit among them. */
function runLines(
  state: NodeState,
  lines: readonly string[],
  at: number,
  out: Effect[],
): NodeState {
  let next = state;
  const texts: Outgoing[] = [];
  for (const raw of lines) {
    const command = parseCommand(raw, next.config.maxLineChars);
    next = run(next, command, texts, at, out);
    if (command.kind === 'quit') break;
  }
  return texts.length === 0 ? next : sendChat(next, texts, at, out);
}

/**
 * The input that waited runs once the initial dials settled (or at once when
 * a signal asks to leave): each named peer linked, or its attempt failed.
 */
export function releaseInput(state: NodeState, at: number, out: Effect[]): NodeState {
  const { waiting } = state.chat;
  if (waiting.length === 0) return state;
  const leaving = state.leaving;
  const urgent = (leaving.phase === 'leaving' || leaving.phase === 'lingering') && leaving.urgent;
  // Leaving, what waited goes to whoever links within the linger: the first member is enough.
  const someoneThere = leaving.phase === 'lingering' && activeLinks(state).length > 0;
  if (state.dialer.initialPending.size > 0 && !urgent && !someoneThere) return state;
  return runLines(withChat(state, { waiting: [] }), waiting, at, out);
}

function whois(state: NodeState, target: string, at: number, out: Effect[]): void {
  const resolved = resolveMember(state, target);
  if ('unresolved' in resolved) {
    out.push({
      kind: 'warn',
      warning: { code: 'unresolved', command: 'whois', why: resolved.unresolved },
    });
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
    who: namedOf(state, member.id, member.name),
  });
}
