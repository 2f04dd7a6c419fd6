import { PARK_MS } from '../core/direct-parked.js';
import type {
  LinkRef,
  Named,
  NotReading,
  Unresolved,
  Warning,
  WarningCode,
} from '../core/warning.js';

/** `name#` plus the first 4 characters of the id. */
export function taggedName(name: string, id: string): string {
  return `${name}#${id.slice(0, 4)}`;
}

/** The name a person sees: bare while unique, `name#abcd` when another member has it. */
export function nameOf(named: Named): string {
  return named.tagged ? taggedName(named.name, named.id) : named.name;
}

function linkText(link: LinkRef): string {
  return link.member === undefined
    ? `peer ${link.remote}`
    : `${nameOf(link.member)} (${link.remote})`;
}

function unresolvedText(why: Unresolved): string {
  if (why.reason === 'none') return `no member named ${why.target} (/peers lists them)`;
  const names = why.candidates.map((member) => taggedName(member.name, member.id)).join(', ');
  const example = taggedName(why.name, why.candidates[0]?.id ?? '');
  return `${why.target} is ambiguous: ${names}; say which, e.g. /msg ${example} …`;
}

function notReadingText(why: NotReading): string {
  return why.kind === 'stalled'
    ? `it stopped reading: nothing drained for ${why.ms} ms`
    : `it stopped reading: over ${why.limitBytes} bytes unsent`;
}

const STRANGER_REASON = {
  left: 'that incarnation has quit',
  keys: 'not signed with the keys that incarnation announced',
  unannounced: `no announcement of that incarnation came within ${PARK_MS} ms`,
  crowded: 'too many direct messages wait for their senders’ announcements',
} as const;

const USAGE = {
  me: 'usage: /me <action>, e.g. /me waves',
  msg: 'usage: /msg <name> <text>, e.g. /msg bob psst',
  whois: 'usage: /whois <name>, e.g. /whois bob',
} as const;

type Wording = { readonly [C in WarningCode]: (warning: Extract<Warning, { code: C }>) => string };

/** Each warning's words, by its code. */
const WORDING: Wording = {
  lineUnfit: () => 'line refused: it does not fit in one frame once encoded',
  lineTooLong: (w) => `a line over ${w.maxChars} characters was refused; nothing was sent`,
  usage: (w) => USAGE[w.command],
  unknownCommand: (w) => `unknown command /${w.name}; /help lists the commands, //text sends /text`,
  unresolved: (w) =>
    w.command === 'msg'
      ? `/msg: ${unresolvedText(w.why)}; nothing was sent`
      : `/whois: ${unresolvedText(w.why)}`,
  unreachable: (w) => `/msg: ${nameOf(w.member)} cannot be reached now; nothing was sent`,
  memberUnreachable: (w) => `cannot reach member at ${w.target}: ${w.reason}`,
  linkLost: (w) => `${linkText(w.link)} lost: ${w.reason}`,
  notReading: (w) =>
    w.lost
      ? `${linkText(w.link)} lost: ${notReadingText(w.why)}`
      : `${linkText(w.link)}: ${notReadingText(w.why)}; connection closed`,
  badInput: (w) =>
    `${linkText(w.link)}: ${w.problem}${w.closed ? '; connection closed' : '; dropped'}`,
  beforeHandshake: (w) => `${linkText(w.link)} sent "${w.frame}" before the handshake; closed`,
  forgedMembers: (w) =>
    `${linkText(w.link)} gossiped ${w.count} member(s) not signed by their own keys; ignored`,
  noHandshake: (w) =>
    `${linkText(w.link)} did not complete the handshake within ${w.timeoutMs} ms; closed`,
  refusedByPeer: (w) => `${linkText(w.link)} refused the link: ${w.detail}`,
  refused: (w) => `refused ${w.remote}: ${w.reason}`,
  gaveUp: (w) => `gave up redialling ${nameOf(w.member)} at ${w.target}`,
  stillTrying: (w) =>
    `still trying ${w.target} (attempt ${w.attempt}, next in ${(w.nextInMs / 1000).toFixed(1)} s): ${w.reason}`,
  gaveUpPeer: (w) => `gave up dialling ${w.target}`,
  secondHello: (w) => `${linkText(w.link)} sent a second hello; ignored`,
  incompatible: (w) =>
    `refused ${w.name} (${w.remote}): it speaks protocol v${w.theirs}, this node speaks v${w.ours}`,
  keyMismatch: (w) => `refused ${w.name} (${w.remote}): its id does not match its key`,
  badAnnouncement: (w) =>
    `refused ${w.name} (${w.remote}): its hello is not signed by its key (altered, or forged)`,
  proofFirst: (w) => `refused ${w.remote}: it sent a proof before its hello`,
  badProof: (w) =>
    `refused ${w.name} (${w.remote}): its handshake proof does not verify (a replayed or forged handshake)`,
  full: (w) =>
    `refused ${w.name} (${w.remote}): this node is linked with ${w.maxLinks} members already (--max-links)`,
  forgedChat: (w) =>
    `dropped a message claiming to be from ${w.name} (${w.origin.slice(0, 8)}) that came from ${w.via === undefined ? 'a link' : nameOf(w.via)}: its signature does not verify`,
  forgedDirect: (w) =>
    `dropped a direct message claiming to be from ${w.name} (${w.origin.slice(0, 8)}) that came from ${w.via === undefined ? 'a link' : nameOf(w.via)}: its signature does not verify`,
  strangerDirect: (w) =>
    `dropped a direct message from ${w.stream} that came from ${w.via === undefined ? 'a link' : nameOf(w.via)}: ${STRANGER_REASON[w.reason]}`,
  undeliveredDirect: (w) =>
    `${w.count} direct message(s) not delivered (each was reported as it timed out)`,
  staleDirect: (w) =>
    `dropped a direct message from ${nameOf(w.from)}: ${w.behind} numbers behind the newest of its sender's, too old to tell from a replay`,
  unreadableDirect: (w) =>
    `dropped a direct message from ${nameOf(w.from)}: it does not open with this node's key (not sealed for it, or altered)`,
  heldFull: (w) =>
    `held-back queue full (at most ${w.max} messages of one member, ${w.total} in all): dropped ${w.dropped} from ${w.name}; they will be asked for again`,
  nobodyHeard: (w) =>
    `nobody heard this node: no member was linked when its ${w.lines} line(s) were sent`,
  refusedLines: (w) => `${w.lines} line(s) refused; see the warnings above`,
  unconfirmed: (w) =>
    `not confirmed within ${w.lingerMs} ms by: ${w.members.map(nameOf).join(', ')}; they may have missed some of this node's ${w.lines} line(s)`,
};

/** A warning in words, for stderr (without the `rxchat: ` prefix). */
export function warningText(warning: Warning): string {
  const word = WORDING[warning.code] as (warning: Warning) => string;
  return word(warning);
}
