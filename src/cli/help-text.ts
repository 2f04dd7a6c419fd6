import { OPTIONS } from './option-table.js';

const EXAMPLES: readonly (readonly [line: string, text: string])[] = [
  ['rxchat 8080 alice', 'start a room'],
  ['rxchat 8081 bob localhost:8080', 'join it through any member'],
  ["printf 'hi\\nbye\\n' | rxchat 0 dave localhost:8080", 'a scripted chat: send, then leave'],
  ['rxchat 0 carol [::1]:8080 --json', 'JSON events for programs'],
];

/** What `rxchat --help` prints. */
export function helpText(version: string): string {
  const width = Math.max(...OPTIONS.map(([flags]) => flags.length)) + 2;
  const options = OPTIONS.map(
    ([flags, text, fallback]) =>
      `  ${flags.padEnd(width)}${text}${fallback === '' ? '' : ` (default: ${fallback})`}`,
  );
  const exampleWidth = Math.max(...EXAMPLES.map(([line]) => line.length)) + 2;
  const examples = EXAMPLES.map(([line, text]) => `  ${line.padEnd(exampleWidth)}# ${text}`);
  return [
    `rxchat ${version}: peer-to-peer group chat over TCP`,
    '',
    'Usage: rxchat <port> <username> [host:port ...] [options]',
    '',
    '  <port>       port to listen on, 0-65535 (0 picks a free port)',
    '  <username>   1-32 letters, digits, ".", "_" or "-"',
    '  host:port    members to dial (IPv6 as [::1]:8080); any one member is enough',
    '',
    'Options:',
    ...options,
    '',
    'Examples:',
    ...examples,
    '',
    'In the chat: /help lists the commands; /quit, Ctrl+C or the end of stdin leaves.',
    'Exit codes: 0 left normally, 1 could not run, 2 bad command line,',
    '            3 not heard: a member present when a line was sent did not confirm it',
    '              within --linger, nobody was linked, a line or /msg was refused,',
    '              or a /msg was not delivered within --linger,',
    '            130 a second Ctrl+C while leaving.',
    '',
  ].join('\n');
}
