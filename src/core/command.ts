/** What one stdin line asks for. */
export type Command =
  | { readonly kind: 'say'; readonly text: string }
  | { readonly kind: 'quit' }
  | { readonly kind: 'peers' }
  | { readonly kind: 'stats' }
  | { readonly kind: 'help' }
  | { readonly kind: 'empty' }
  | { readonly kind: 'tooLong' }
  | { readonly kind: 'unknown'; readonly name: string };

export const COMMAND_HELP: readonly (readonly [string, string])[] = [
  ['/peers', 'list the members, their addresses and link state'],
  ['/stats', 'count the chat messages sent to and read from each member'],
  ['/help', 'show this list'],
  ['/quit', 'leave the chat (so do Ctrl+C and Ctrl+D)'],
  ['//text', 'send "/text" literally'],
];

/** Strips one trailing `\r` (CRLF input) and decides what the line is. */
export function parseCommand(raw: string, maxChars: number): Command {
  const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  if (line.length === 0) return { kind: 'empty' };
  if (line.length > maxChars) return { kind: 'tooLong' };
  if (!line.startsWith('/')) return { kind: 'say', text: line };
  if (line.startsWith('//')) return { kind: 'say', text: line.slice(1) };
  const name = line.slice(1).split(/\s/, 1)[0] ?? '';
  switch (name) {
    case 'quit':
      return { kind: 'quit' };
    case 'peers':
      return { kind: 'peers' };
    case 'stats':
      return { kind: 'stats' };
    case 'help':
      return { kind: 'help' };
    default:
      return { kind: 'unknown', name };
  }
}
