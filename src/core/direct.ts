import type { DirectFrame } from '../protocol/frames.js';
import type { Effect } from './effect.js';
import type { LinkId } from './event.js';
import { namedOf } from './labels.js';
import { noteRefused } from './outcome.js';
import { signDirect, verifyDirect } from './signing.js';
import type { Member, NodeState } from './state.js';
import { activeLinks, ownStream, withDirect } from './state.js';
import type { Unresolved } from './warning.js';

/** Direct message ids remembered so that each is shown or passed on once. */
const MAX_SEEN = 1000;

export type Resolved = { readonly member: Member } | { readonly unresolved: Unresolved };

/** Finds the member `name` or `name#abcd` means; an ambiguous name lists the candidates. */
export function resolveMember(state: NodeState, target: string): Resolved {
  const [name, tag] = target.split('#', 2) as [string, string | undefined];
  const candidates = [...state.members.values()].filter(
    (member) =>
      member.state !== 'quit' &&
      member.name === name &&
      (tag === undefined || member.id.startsWith(tag)),
  );
  const [only] = candidates;
  if (only !== undefined && candidates.length === 1) return { member: only };
  if (candidates.length === 0) return { unresolved: { reason: 'none', target } };
  const tagged = candidates.map((member) => ({ name: member.name, id: member.id, tagged: true }));
  return { unresolved: { reason: 'ambiguous', target, name, candidates: tagged } };
}

function remember(state: NodeState, id: string): NodeState {
  const seen =
    state.direct.seen.length >= MAX_SEEN
      ? state.direct.seen.slice(1 - MAX_SEEN)
      : state.direct.seen;
  return withDirect(state, { seen: [...seen, id] });
}

/** Where a direct message goes next: straight to its addressee if linked, else every other link. */
function route(state: NodeState, to: string, from: string | undefined): LinkId[] {
  const addressee = state.members.get(to);
  if (addressee?.state === 'linked' && addressee.link !== undefined) return [addressee.link];
  const fromLink = from === undefined ? undefined : state.members.get(from)?.link;
  return activeLinks(state).filter((link) => link !== fromLink);
}

export function sendDirect(
  state: NodeState,
  target: string,
  text: string,
  action: boolean,
  at: number,
  out: Effect[],
): NodeState {
  const resolved = resolveMember(state, target);
  if ('unresolved' in resolved) {
    out.push({
      kind: 'warn',
      warning: { code: 'unresolved', command: 'msg', why: resolved.unresolved },
    });
    return noteRefused(state);
  }
  const directSeq = state.direct.seq + 1;
  const { id, incarnation, name } = state.config;
  const frame: DirectFrame = signDirect(state.config.identity, {
    type: 'dm',
    id: `${ownStream(state)}:d${directSeq}`,
    origin: id,
    inc: incarnation,
    name,
    to: resolved.member.id,
    text,
    time: new Date(at).toISOString(),
    ...(action ? { action } : {}),
  });
  const links = route(state, frame.to, undefined);
  if (links.length === 0)
    out.push({
      kind: 'warn',
      warning: {
        code: 'unreachable',
        member: namedOf(state, resolved.member.id, resolved.member.name),
      },
    });
  else out.push({ kind: 'send', links, frame });
  const sent = remember(withDirect(state, { seq: directSeq }), frame.id);
  return links.length === 0 ? noteRefused(sent) : sent;
}

/** A direct message arrived: show it if it is for this node, else pass it on; each once. */
export function onDirect(
  state: NodeState,
  frame: DirectFrame,
  from: string | undefined,
  out: Effect[],
): NodeState {
  if (state.direct.seen.includes(frame.id) || frame.origin === state.config.id) return state;
  if (!verifyDirect(state.config.identity, frame)) {
    out.push({
      kind: 'warn',
      warning: { code: 'forgedDirect', name: frame.name },
      key: `forged-dm:${from ?? ''}`,
    });
    return state;
  }
  const next = remember(state, frame.id);
  if (frame.to === state.config.id) {
    out.push({
      kind: 'emit',
      event: {
        event: 'message',
        from: frame.name,
        origin: frame.origin,
        id: frame.id,
        text: frame.text,
        time: frame.time,
        history: false,
        action: frame.action === true,
        to: frame.to,
      },
      who: namedOf(state, frame.origin, frame.name),
    });
    return next;
  }
  // Passed on only toward a member this node knows of and that has not left: a direct message
  // to an id nobody knows would otherwise travel to every member.
  const addressee = next.members.get(frame.to);
  if (addressee === undefined || addressee.state === 'quit') return next;
  const links = route(next, frame.to, from);
  if (links.length > 0) out.push({ kind: 'send', links, frame });
  return next;
}
