import type { Announcement, HelloFrame } from '../protocol/frames.js';
import { PROTOCOL_VERSION } from '../protocol/frames.js';
import { isAuthentic, ownAnnouncement } from './announcement.js';
import { withEntry } from './collections.js';
import type { NodeConfig } from './config.js';
import type { Effect } from './effect.js';
import { linkRef } from './labels.js';
import { memberJoined } from './member-join.js';
import { dropLink, isFull, refuse, refuseFull } from './refusal.js';
import { helloSeen, proofText } from './signing.js';
import type { Link, NodeState } from './state.js';

/** This node's hello on a link with `nonce`: its announcement (signed once, at start) and the nonce. */
export function helloFrame(
  config: NodeConfig,
  nonce: string,
  announcement: Announcement = ownAnnouncement(config),
  present?: number,
): HelloFrame {
  const hello: HelloFrame = { type: 'hello', v: PROTOCOL_VERSION, nonce, ...announcement };
  return present === undefined ? hello : { ...hello, present };
}

/**
 * The peer's hello: check its version and that its key stands for its id, then
 * prove this node's own key by signing the peer's nonce and both hellos (this
 * node's went out at linkUp, so both are in hand) on this link's session. The
 * member joins only when the peer's proof arrives and checks out (onProof).
 */
export function onHello(
  state: NodeState,
  link: Link,
  hello: HelloFrame,
  at: number,
  out: Effect[],
): NodeState {
  if (link.peer !== undefined || link.hello !== undefined) {
    out.push({
      kind: 'warn',
      warning: { code: 'secondHello', link: linkRef(state, link) },
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
      {
        code: 'incompatible',
        name: hello.name,
        remote: link.remote,
        theirs: hello.v,
        ours: PROTOCOL_VERSION,
      },
      out,
    );
  }
  if (hello.id === state.config.id) {
    // We dialled ourselves (our own address came back through gossip): drop it quietly.
    out.push({ kind: 'close', link: link.id, graceful: false });
    return dropLink(state, link);
  }

  const { identity } = state.config;
  if (identity.idOf(hello.key) !== hello.id) {
    return refuse(state, link, { code: 'keyMismatch', name: hello.name, remote: link.remote }, out);
  }
  if (!isAuthentic(identity, hello)) {
    return refuse(
      state,
      link,
      { code: 'badAnnouncement', name: hello.name, remote: link.remote },
      out,
    );
  }
  // A full node says so before it proves its key (the peer never counts it as joined), once it
  // knows the hello is the member's own.
  if (isFull(state, hello.id)) return refuseFull(state, link, hello.name, at, out);
  const sig = identity.sign(proofText(link.sent, helloSeen(identity, hello), link.binding));
  out.push({ kind: 'send', links: [link.id], frame: { type: 'proof', sig } });
  return { ...state, links: withEntry(state.links, link.id, { ...link, hello }) };
}

/**
 * The peer proved it holds the key of its id by signing this link's fresh
 * nonce, both hellos as this node sent and read them, and this link's
 * session: it joins. A hello changed on the way, or a handshake relayed from
 * another TLS session, signs something else and is refused.
 */
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
    return refuse(state, link, { code: 'proofFirst', remote: link.remote }, out);
  }
  const { identity } = state.config;
  const text = proofText(helloSeen(identity, hello), link.sent, link.binding);
  if (!identity.verify(hello.key, text, sig)) {
    return refuse(state, link, { code: 'badProof', name: hello.name, remote: link.remote }, out);
  }
  return memberJoined(state, link, hello, at, out);
}
