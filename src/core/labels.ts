import type { Link, NodeState } from './state.js';

/** `name#` plus the first 4 characters of the id. */
export function taggedName(name: string, id: string): string {
  return `${name}#${id.slice(0, 4)}`;
}

/**
 * The name a person sees for a member: the bare name while it is unique among
 * the members this node knows (and itself), `name#abcd` when it is shared.
 */
export function labelOf(state: NodeState, id: string, name: string): string {
  if (name === state.config.name && id !== state.config.id) return taggedName(name, id);
  for (const member of state.members.values()) {
    if (member.name === name && member.id !== id) return taggedName(name, id);
  }
  return name;
}

/** Names a link in a warning: its member if known, always its remote address. */
export function describeLink(state: NodeState, link: Link): string {
  const member = link.peer === undefined ? undefined : state.members.get(link.peer);
  return member === undefined
    ? `peer ${link.remote}`
    : `${labelOf(state, member.id, member.name)} (${link.remote})`;
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
