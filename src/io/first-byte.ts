/** The first byte of every rxchat frame: `{`, as every frame is a JSON object. */
export const FRAME_BYTE = 0x7b;
/** The first byte of a TLS handshake record (a ClientHello). */
export const TLS_HANDSHAKE_BYTE = 0x16;

/** Why a first byte turns a connection away; each is one kind of warning. */
export type FirstByteRefusal = 'tlsInOpenRoom' | 'clearInClosedRoom' | 'neither';

/**
 * What an accepted connection's first byte says it speaks: rxchat frames in
 * the clear (an open room), TLS (a closed room), or something this node does
 * not take from it, with the reason it is refused for.
 */
export type FirstByteVerdict =
  | { readonly kind: 'clear' }
  | { readonly kind: 'tls' }
  | { readonly kind: 'refused'; readonly refusal: FirstByteRefusal; readonly reason: string };

function refused(refusal: FirstByteRefusal, reason: string): FirstByteVerdict {
  return { kind: 'refused', refusal, reason };
}

/** The hex of a byte as a warning shows it: `0x47`. */
function hex(byte: number): string {
  return `0x${byte.toString(16).padStart(2, '0')}`;
}

/**
 * The first byte decides (the dialer speaks first; the accepting end says
 * nothing before it): `{` in an open room, a TLS handshake in a closed one;
 * anything else is refused.
 */
export function firstByteVerdict(byte: number, closedRoom: boolean): FirstByteVerdict {
  if (byte === FRAME_BYTE) {
    return closedRoom
      ? refused('clearInClosedRoom', 'it spoke in the clear, but this room is closed')
      : { kind: 'clear' };
  }
  if (byte === TLS_HANDSHAKE_BYTE) {
    return closedRoom
      ? { kind: 'tls' }
      : refused('tlsInOpenRoom', 'it spoke TLS, but this room is open (no secret)');
  }
  return refused('neither', `its first byte ${hex(byte)} is neither rxchat nor TLS`);
}
