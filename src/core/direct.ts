import type { DirectFrame } from '../protocol/frames.js';
import { MAX_FRAME_BYTES } from '../protocol/frames.js';
import { withEntry } from './collections.js';
import type { Effect } from './effect.js';
import type { LinkId } from './event.js';
import { namedOf } from './labels.js';
import { noteRefused } from './outcome.js';
import { directHeaderText, directKeyInfo, signDirect } from './signing.js';
import type { Member, NodeState } from './state.js';
import { activeLinks, ownStream, withDirect } from './state.js';
import type { Unresolved } from './warning.js';

/** Room in a `dm` frame for everything but its box: ids, keys, the signature, field names. */
const HEADER_BYTES = 768;

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

/** Where a direct message goes next: straight to its addressee if linked, else every other link. */
export function route(state: NodeState, to: string, from: string | undefined): LinkId[] {
  const addressee = state.members.get(to);
  if (addressee?.state === 'linked' && addressee.link !== undefined) return [addressee.link];
  const fromLink = from === undefined ? undefined : state.members.get(from)?.link;
  return activeLinks(state).filter((link) => link !== fromLink);
}

/** One incarnation of a member, as a direct message is sealed for it. */
export interface Addressee {
  readonly id: string;
  readonly inc: string;
  readonly dh: string;
}

/**
 * A direct message from this node to `to`, its `content` sealed for that
 * incarnation alone; or why not: its X25519 key is no key, or the frame would
 * pass the frame limit. Its number is this incarnation's next, whoever the
 * addressee: a number is never used twice under one key (it is the nonce),
 * and one count is all it takes to know that.
 */
export function sealFor(
  state: NodeState,
  to: Addressee,
  content: string,
): { readonly state: NodeState; readonly frame: DirectFrame } | 'noKey' | 'unfit' {
  const { id, incarnation, box, identity } = state.config;
  const n = state.direct.seq + 1;
  const header = { origin: id, inc: incarnation, dh: box.dh, to: to.id, toInc: to.inc, n };
  const info = directKeyInfo(ownStream(state), `${to.id}.${to.inc}`);
  const sealed = box.seal(to.dh, info, n, directHeaderText(header), content);
  if (sealed === undefined) return 'noKey';
  if (sealed.length + HEADER_BYTES > MAX_FRAME_BYTES) return 'unfit';
  const frame = signDirect(identity, { type: 'dm', ...header, box: sealed });
  return { state: withDirect(state, { seq: n }), frame };
}

/** The incarnation a member announced: what a direct message to it is sealed for. */
function addresseeOf(member: Member): Addressee | undefined {
  const ann = member.ann;
  return ann === undefined ? undefined : { id: member.id, inc: ann.inc, dh: ann.dh };
}

/** `/msg`: seals the line for its addressee and sends it on its way; its receipt is awaited. */
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
  const { member } = resolved;
  const to = addresseeOf(member);
  const links = route(state, member.id, undefined);
  const time = new Date(at).toISOString();
  const content = { name: state.config.name, text, time, ...(action ? { action } : {}) };
  const sealed =
    to === undefined || links.length === 0 ? 'noKey' : sealFor(state, to, JSON.stringify(content));
  if (typeof sealed === 'string') {
    const named = namedOf(state, member.id, member.name);
    out.push({
      kind: 'warn',
      warning: sealed === 'unfit' ? { code: 'lineUnfit' } : { code: 'unreachable', member: named },
    });
    return noteRefused(state);
  }
  out.push({ kind: 'send', links, frame: sealed.frame });
  const { n } = sealed.frame;
  const deadline = at + state.config.lingerMs;
  const pending = { to: member.id, name: member.name, n, sentAt: at, deadline };
  return withDirect(sealed.state, {
    pending: withEntry(sealed.state.direct.pending, `${member.id}:${n}`, pending),
  });
}
