/** What one stdin line asks for. */
export type Command =
  | { readonly kind: 'say'; readonly text: string; readonly action: boolean }
  | {
      readonly kind: 'direct';
      readonly target: string;
      readonly text: string;
      readonly action: boolean;
    }
  | { readonly kind: 'usage'; readonly command: 'me' | 'msg' | 'whois' }
  | { readonly kind: 'quit' }
  | { readonly kind: 'peers' }
  | { readonly kind: 'stats' }
  | { readonly kind: 'whois'; readonly target: string }
  | { readonly kind: 'help' }
  | { readonly kind: 'empty' }
  | { readonly kind: 'tooLong' }
  | { readonly kind: 'unknown'; readonly name: string };

/** Strips one trailing `\r` (CRLF input) and decides what the line is. */
export function parseCommand(raw: string, maxChars: number): Command {
  const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  if (line.length === 0) return { kind: 'empty' };
  if (line.length > maxChars) return { kind: 'tooLong' };
  if (!line.startsWith('/')) return { kind: 'say', text: line, action: false };
  if (line.startsWith('//')) return { kind: 'say', text: line.slice(1), action: false };
  const name = line.slice(1).split(/\s/, 1)[0] ?? '';
  const rest = line.slice(1 + name.length).trim();
  switch (name) {
    case 'me':
      return rest === ''
        ? { kind: 'usage', command: 'me' }
        : { kind: 'say', text: rest, action: true };
    case 'msg': {
      const target = rest.split(/\s/, 1)[0] ?? '';
      const text = rest.slice(target.length).trim();
      if (target === '' || text === '') return { kind: 'usage', command: 'msg' };
      return { kind: 'direct', target, text, action: false };
    }
    case 'quit':
      return { kind: 'quit' };
    case 'peers':
      return { kind: 'peers' };
    case 'stats':
      return { kind: 'stats' };
    case 'whois':
      return rest === '' ? { kind: 'usage', command: 'whois' } : { kind: 'whois', target: rest };
    case 'help':
      return { kind: 'help' };
    default:
      return { kind: 'unknown', name };
  }
}
