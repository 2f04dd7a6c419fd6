import type { HelloFrame } from '../protocol/frames.js';
import { PROTOCOL_VERSION } from '../protocol/frames.js';
import { formatHostPort, hostOf } from './address.js';
import { withEntry, withoutEntry, withoutMember } from './collections.js';
import type { Effect } from './effect.js';
import { describeLink, labelOf } from './labels.js';
import { gossipJoin, sendHave, sendMembership } from './membership.js';
import { proofText } from './signing.js';
import type { Link, Member, NodeState } from './state.js';

export function helloFrame(state: NodeState, nonce: string): HelloFrame {
  const { id, incarnation, name, port, mesh, advertise, identity } = state.config;
  const hello: HelloFrame = {
    type: 'hello',
    v: PROTOCOL_VERSION,
    id,
    inc: incarnation,
    name,
    port,
    mesh,
    key: identity.key,
    nonce,
  };
  return advertise === undefined ? hello : { ...hello, advertise };
}

/** An initial dial has an outcome: lines typed meanwhile may go out. */
export function settleInitial(state: NodeState, link: Link): NodeState {
  if (link.purpose?.kind !== 'initial' || link.target === undefined) return state;
  return { ...state, initialPending: withoutMember(state.initialPending, link.target) };
}

/** Of two links between the same pair, both ends keep the one the smaller id dialled. */
function isPreferred(state: NodeState, link: Link, peerId: string): boolean {
  const dialer = link.direction === 'out' ? state.config.id : peerId;
  return dialer === (state.config.id < peerId ? state.config.id : peerId);
}

function refuse(state: NodeState, link: Link, text: string, out: Effect[]): NodeState {
  out.push({ kind: 'warn', text });
  out.push({ kind: 'close', link: link.id, graceful: true });
  return settleInitial({ ...state, links: withoutEntry(state.links, link.id) }, link);
}

/**
 * The peer's hello: check its version and that its key stands for its id, then
 * prove this node's own key by signing the peer's nonce. The member joins only
 * when the peer's proof arrives and checks out (onProof).
 */
export function onHello(state: NodeState, link: Link, hello: HelloFrame, out: Effect[]): NodeState {
  if (link.peer !== undefined || link.hello !== undefined) {
    out.push({
      kind: 'warn',
      text: `${describeLink(state, link)} sent a second hello; ignored`,
      key: `${link.remote}:hello`,
    });
    return state;
  }
  if (hello.v !== PROTOCOL_VERSION) {
    out.push({
      kind: 'send',
      links: [link.id],
      frame: {
        type: 'bye',
        reason: 'incompatible',
        detail: `this node speaks protocol v${PROTOCOL_VERSION}`,
      },
    });
    return refuse(
      state,
      link,
      `refused ${hello.name} (${link.remote}): it speaks protocol v${hello.v}, this node speaks v${PROTOCOL_VERSION}`,
      out,
    );
  }
  if (hello.id === state.config.id) {
    // We dialled ourselves (our own address came back through gossip): drop it quietly.
    out.push({ kind: 'close', link: link.id, graceful: false });
    return settleInitial({ ...state, links: withoutEntry(state.links, link.id) }, link);
  }

  const { identity } = state.config;
  if (identity.idOf(hello.key) !== hello.id) {
    return refuse(
      state,
      link,
      `refused ${hello.name} (${link.remote}): its id does not match its key`,
      out,
    );
  }
  out.push({
    kind: 'send',
    links: [link.id],
    frame: { type: 'proof', sig: identity.sign(proofText(hello.nonce, identity.id, hello.id)) },
  });
  return { ...state, links: withEntry(state.links, link.id, { ...link, hello }) };
}

/** The peer proved it holds the key of its id by signing this link's fresh nonce: it joins. */
export function onProof(
  state: NodeState,
  link: Link,
  sig: string,
  at: number,
  out: Effect[],
): NodeState {
  const hello = link.hello;
  if (link.peer !== undefined) return state;
  if (hello === undefined) {
    return refuse(state, link, `refused ${link.remote}: it sent a proof before its hello`, out);
  }
  if (
    !state.config.identity.verify(hello.key, proofText(link.nonce, hello.id, state.config.id), sig)
  ) {
    return refuse(
      state,
      link,
      `refused ${hello.name} (${link.remote}): its handshake proof does not verify (a replayed or forged handshake)`,
      out,
    );
  }
  return join(state, link, hello, at, out);
}

const MAX_NAMES = 1024;
const MAX_KEYS_PER_NAME = 8;

function rememberKey(
  keysByName: ReadonlyMap<string, readonly string[]>,
  name: string,
  key: string,
): ReadonlyMap<string, readonly string[]> {
  const keys = keysByName.get(name) ?? [];
  if (keys.includes(key)) return keysByName;
  const next = new Map(keysByName);
  if (!next.has(name) && next.size >= MAX_NAMES) {
    const oldest = next.keys().next().value;
    if (oldest !== undefined) next.delete(oldest);
  }
  next.set(name, [...keys, key].slice(-MAX_KEYS_PER_NAME));
  return next;
}

function join(
  state: NodeState,
  link: Link,
  hello: HelloFrame,
  at: number,
  out: Effect[],
): NodeState {
  const linked: Link = { ...link, peer: hello.id };
  let next: NodeState = settleInitial(
    { ...state, links: withEntry(state.links, link.id, linked) },
    link,
  );
  const known = next.members.get(hello.id);
  if (known?.state === 'linked') {
    const current = known.link === undefined ? undefined : next.links.get(known.link);
    if (current !== undefined && !isPreferred(next, linked, hello.id)) {
      out.push({ kind: 'send', links: [link.id], frame: { type: 'bye', reason: 'duplicate' } });
      out.push({ kind: 'close', link: link.id, graceful: true });
      return next;
    }
    if (current !== undefined) {
      out.push({ kind: 'send', links: [current.id], frame: { type: 'bye', reason: 'duplicate' } });
      out.push({ kind: 'close', link: current.id, graceful: true });
    }
    const { swappingSince: _swap, ...rest } = known;
    return { ...next, members: withEntry(next.members, hello.id, { ...rest, link: link.id }) };
  }

  const address = hello.advertise ?? formatHostPort(hostOf(link.remote), hello.port);
  const named = link.purpose?.kind === 'initial' ? link.target : known?.named;
  const member: Member = {
    id: hello.id,
    name: hello.name,
    address,
    mesh: hello.mesh,
    state: 'linked',
    link: link.id,
    linkedAt: at,
    inc: hello.inc,
    key: hello.key,
    confirmed: known?.inc === hello.inc ? known.confirmed : 0,
    sent: known?.sent ?? 0,
    received: known?.received ?? 0,
    framesSent: known?.framesSent ?? 0,
    framesReceived: known?.framesReceived ?? 0,
    ...(named === undefined ? {} : { named }),
  };
  const seenKeys = next.keysByName.get(hello.name) ?? [];
  const newKey = seenKeys.length > 0 && !seenKeys.includes(hello.key);
  next = {
    ...next,
    members: withEntry(next.members, hello.id, member),
    redials: withoutEntry(next.redials, hello.id),
    keysByName: rememberKey(next.keysByName, hello.name, hello.key),
  };
  out.push({
    kind: 'emit',
    event: { event: 'join', user: member.name, id: member.id, address },
    // A name this node saw before with another key is flagged: maybe not the same person.
    label: `${labelOf(next, member.id, member.name)}${newKey ? ' (new key)' : ''}`,
  });
  sendMembership(next, link.id, out);
  sendHave(next, link.id, out);
  return gossipJoin(next, member, at, out);
}
