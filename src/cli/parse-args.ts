import { cac } from 'cac';
import { parseHostPort } from '../core/address.js';
import type { CliOptions } from './options.js';
import { OPTION_DEFAULTS } from './options.js';

export type ParsedArgs =
  | { readonly kind: 'run'; readonly options: CliOptions }
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'version'; readonly text: string }
  | { readonly kind: 'error'; readonly message: string };

const USERNAME = /^[A-Za-z0-9._-]{1,32}$/;

/** Every option: its flags, what it does, and its default (shown in --help). */
const OPTIONS: readonly (readonly [flags: string, text: string, fallback: string])[] = [
  ['--host <address>', 'listen address', 'all interfaces'],
  [
    '--advertise <host:port>',
    'address other members should dial for this node',
    'the address they see',
  ],
  [
    '--no-mesh',
    'link only with the peers named here and those that name this node',
    'mesh with every member',
  ],
  [
    '--peer-timeout <ms>',
    'a member silent this long is shown as lost',
    String(OPTION_DEFAULTS.peerTimeoutMs),
  ],
  [
    '--redial-for <ms>',
    'how long to keep redialling a lost member',
    String(OPTION_DEFAULTS.redialForMs),
  ],
  [
    '--linger <ms>',
    'on leaving, wait this long for members to confirm every line sent',
    String(OPTION_DEFAULTS.lingerMs),
  ],
  [
    '--history <n>',
    'messages kept for members that join or come back',
    String(OPTION_DEFAULTS.history),
  ],
  [
    '--secret-file <path>',
    'close the room with the secret in this file (or set RXCHAT_SECRET)',
    'an open room',
  ],
  [
    '--max-links <n>',
    'links at most; more connections are refused',
    String(OPTION_DEFAULTS.maxLinks),
  ],
  [
    '--identity <file>',
    "keep this node's key (and so its id) in this file, created if missing",
    'a new key each start',
  ],
  ['--quiet', 'hide join and leave lines (warnings stay on stderr)', 'show them'],
  ['--no-color', 'never colour the output (so does NO_COLOR)', 'colour on a terminal'],
  ['--json', 'print events as JSON lines on stdout (docs/EVENTS.md)', 'human output'],
  ['-h, --help', 'show this help', ''],
  ['-v, --version', 'print the version', ''],
];

const EXAMPLES = [
  ['rxchat 8080 alice', 'start a room'],
  ['rxchat 8081 bob localhost:8080', 'join it through any member'],
  ["printf 'hi\\nbye\\n' | rxchat 0 dave localhost:8080", 'a scripted chat: send, then leave'],
  ['rxchat 0 carol [::1]:8080 --json', 'JSON events for programs'],
];

export function helpText(version: string): string {
  const width = Math.max(...OPTIONS.map(([flags]) => flags.length)) + 2;
  const options = OPTIONS.map(
    ([flags, text, fallback]) =>
      `  ${flags.padEnd(width)}${text}${fallback === '' ? '' : ` (default: ${fallback})`}`,
  );
  const exampleWidth = Math.max(...EXAMPLES.map(([line]) => (line ?? '').length)) + 2;
  const examples = EXAMPLES.map(
    ([line, text]) => `  ${(line ?? '').padEnd(exampleWidth)}# ${text}`,
  );
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
    '            3 some member did not confirm every line sent within --linger.',
    '',
  ].join('\n');
}

function makeCli() {
  const cli = cac('rxchat');
  for (const [flags, text] of OPTIONS) cli.option(flags, text);
  return cli;
}

const KNOWN_OPTIONS = new Set([
  '--',
  'host',
  'advertise',
  'mesh',
  'peerTimeout',
  'redialFor',
  'linger',
  'history',
  'secretFile',
  'maxLinks',
  'quiet',
  'color',
  'identity',
  'json',
  'help',
  'h',
  'version',
  'v',
]);

function wholeNumber(
  value: unknown,
  option: string,
  fallback: number,
  unit: string,
  min: number,
): number | string {
  if (value === undefined) return fallback;
  const text = String(value);
  if (!/^\d{1,9}$/.test(text) || Number(text) < min) {
    return `--${option} must be a whole number of ${unit} ≥ ${min}, got "${text}"`;
  }
  return Number(text);
}

function milliseconds(value: unknown, option: string, fallback: number): number | string {
  return wholeNumber(value, option, fallback, 'milliseconds', 1);
}

/** Parses and checks the arguments (without the `node` and script entries). */
export function parseArgs(argv: readonly string[], version: string): ParsedArgs {
  const cli = makeCli();
  const parsed = cli.parse(['node', 'rxchat', ...argv], { run: false });
  const options = parsed.options as Record<string, unknown>;
  if (options.help === true || options.h === true) {
    return { kind: 'help', text: helpText(version) };
  }
  if (options.version === true || options.v === true)
    return { kind: 'version', text: `rxchat ${version}\n` };

  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) {
      const flag =
        key.length === 1 ? `-${key}` : `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
      return { kind: 'error', message: `unknown option ${flag}` };
    }
  }
  const args = parsed.args.map(String);
  const [portText, name, ...peers] = args;
  if (portText === undefined) return { kind: 'error', message: 'missing <port> and <username>' };
  if (name === undefined) return { kind: 'error', message: 'missing <username>' };
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) {
    return {
      kind: 'error',
      message: `<port> must be a number from 0 to 65535 (0 picks a free port), got "${portText}"`,
    };
  }
  if (!USERNAME.test(name)) {
    return {
      kind: 'error',
      message: `<username> must be 1-32 letters, digits, ".", "_" or "-", got "${name.slice(0, 40)}"`,
    };
  }
  for (const peer of peers) {
    if (parseHostPort(peer) === undefined) {
      return {
        kind: 'error',
        message: `peer "${peer.slice(0, 80)}" is not host:port (IPv6 as [::1]:port)`,
      };
    }
  }
  const host = options.host;
  if (host !== undefined && (typeof host !== 'string' || host === '')) {
    return { kind: 'error', message: '--host needs an address, e.g. --host 127.0.0.1' };
  }
  const advertise = options.advertise;
  if (
    advertise !== undefined &&
    (typeof advertise !== 'string' || parseHostPort(advertise) === undefined)
  ) {
    return {
      kind: 'error',
      message: `--advertise must be host:port, got "${String(advertise).slice(0, 80)}"`,
    };
  }
  const peerTimeoutMs = milliseconds(
    options.peerTimeout,
    'peer-timeout',
    OPTION_DEFAULTS.peerTimeoutMs,
  );
  if (typeof peerTimeoutMs === 'string') return { kind: 'error', message: peerTimeoutMs };
  const redialForMs = milliseconds(options.redialFor, 'redial-for', OPTION_DEFAULTS.redialForMs);
  if (typeof redialForMs === 'string') return { kind: 'error', message: redialForMs };
  const lingerMs = wholeNumber(
    options.linger,
    'linger',
    OPTION_DEFAULTS.lingerMs,
    'milliseconds',
    0,
  );
  if (typeof lingerMs === 'string') return { kind: 'error', message: lingerMs };
  const history = wholeNumber(options.history, 'history', OPTION_DEFAULTS.history, 'messages', 1);
  if (typeof history === 'string') return { kind: 'error', message: history };
  const maxLinks = wholeNumber(options.maxLinks, 'max-links', OPTION_DEFAULTS.maxLinks, 'links', 1);
  if (typeof maxLinks === 'string') return { kind: 'error', message: maxLinks };
  const identityFile = options.identity;
  if (identityFile !== undefined && (typeof identityFile !== 'string' || identityFile === '')) {
    return { kind: 'error', message: '--identity needs a path' };
  }
  const secretFile = options.secretFile;
  if (secretFile !== undefined && (typeof secretFile !== 'string' || secretFile === '')) {
    return { kind: 'error', message: '--secret-file needs a path' };
  }
  if (options.json !== undefined && typeof options.json !== 'boolean') {
    return { kind: 'error', message: '--json takes no value' };
  }
  return {
    kind: 'run',
    options: {
      port: Number(portText),
      name,
      peers,
      ...(typeof host === 'string' ? { host } : {}),
      ...(typeof advertise === 'string' ? { advertise } : {}),
      json: options.json === true,
      quiet: options.quiet === true,
      color: options.color !== false,
      mesh: options.mesh !== false,
      peerTimeoutMs,
      redialForMs,
      lingerMs,
      history,
      maxLinks,
      ...(typeof secretFile === 'string' ? { secretFile } : {}),
      ...(typeof identityFile === 'string' ? { identityFile } : {}),
    },
  };
}
