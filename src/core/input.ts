import { exceedsFrame } from './burst.js';
import { sendChat } from './chat-send.js';
import { COMMAND_HELP, parseCommand } from './command.js';
import { resolveMember, sendDirect } from './direct.js';
import type { Effect } from './effect.js';
import { labelOf } from './labels.js';
import { requestLeave } from './leaving.js';
import { peersEvent, statsEvent } from './membership.js';
import type { NodeState, Outgoing } from './state.js';

/** Lines from stdin: chat lines go out as one burst; commands run in order. */
export function onInput(
  state: NodeState,
  lines: readonly string[],
  at: number,
  out: Effect[],
): NodeState {
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
