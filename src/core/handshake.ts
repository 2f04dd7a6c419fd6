import type { HelloFrame } from '../protocol/frames.js';
import { PROTOCOL_VERSION } from '../protocol/frames.js';
import { withEntry } from './collections.js';
import type { Effect } from './effect.js';
import { linkRef } from './labels.js';
import { memberJoined } from './member-join.js';
import { dropLink, refuse } from './refusal.js';
import { proofText } from './signing.js';
import type { Link, NodeState } from './state.js';

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

/**
 * The peer's hello: check its version and that its key stands for its id, then
 * prove this node's own key by signing the peer's nonce. The member joins only
 * when the peer's proof arrives and checks out (onProof).
 */
export function onHello(state: NodeState, link: Link, hello: HelloFrame, out: Effect[]): NodeState {
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
    return refuse(state, link, { code: 'proofFirst', remote: link.remote }, out);
  }
  if (
    !state.config.identity.verify(hello.key, proofText(link.nonce, hello.id, state.config.id), sig)
  ) {
    return refuse(state, link, { code: 'badProof', name: hello.name, remote: link.remote }, out);
  }
  return memberJoined(state, link, hello, at, out);
}
