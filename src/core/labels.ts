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
