import { skeletonFor, skeletonOf } from './look-alike.js';
import type { Link, NodeState } from './state.js';
import type { LinkRef, Named } from './warning.js';

/**
 * A member as a person names it: tagged (shown `name#abcd`) when another
 * member this node knows, or this node itself, has the same name or one that
 * looks like it (see look-alike.ts).
 */
export function namedOf(state: NodeState, id: string, name: string): Named {
  const look = skeletonOf(name);
  let tagged = id !== state.config.id && skeletonOf(state.config.name) === look;
  for (const member of state.members.values()) {
    if (tagged) break;
    tagged = member.id !== id && (member.name === name || skeletonFor(member) === look);
  }
  return { name, id, tagged };
}

/** A link as a warning names it: its member if known, always its remote address. */
export function linkRef(state: NodeState, link: Link): LinkRef {
  const member = link.peer === undefined ? undefined : state.members.get(link.peer);
  return member === undefined
    ? { remote: link.remote }
    : { remote: link.remote, member: namedOf(state, member.id, member.name) };
}

/** Public keys remembered per name (to flag a name back with another key), and names. */
const MAX_NAMES = 1024;
const MAX_KEYS_PER_NAME = 8;

/** A name this node saw before with other keys only: maybe not the same person. */
export function isNewKey(
  keysByName: ReadonlyMap<string, readonly string[]>,
  name: string,
  key: string,
): boolean {
  const seen = keysByName.get(name) ?? [];
  return seen.length > 0 && !seen.includes(key);
}

export function rememberKey(
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
