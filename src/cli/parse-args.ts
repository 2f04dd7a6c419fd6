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

const EXAMPLES = [
  'rxchat 8080 alice                          # start a room',
  'rxchat 8081 bob localhost:8080             # join it through any member',
  "printf 'hi\\nbye\\n' | rxchat 0 dave localhost:8080   # a scripted chat",
  'rxchat 0 carol [::1]:8080 --json           # JSON events for programs',
];

function makeCli(version: string) {
  const cli = cac('rxchat');
  cli
    .command(
      '<port> <username> [...peers]',
      'Start a node listening on <port> and dial each peer (host:port)',
    )
    .option('--host <address>', 'Listen address (default: all interfaces)')
    .option(
      '--advertise <host:port>',
      'Address other members should dial for this node (default: as they see it)',
    )
    .option(
      '--no-mesh',
      'Link only with the peers named here and those that name this node (default: mesh)',
    )
    .option(
      '--peer-timeout <ms>',
      `A member silent this long is shown as lost (default: ${OPTION_DEFAULTS.peerTimeoutMs})`,
    )
    .option(
      '--redial-for <ms>',
      `How long to keep redialling a lost member (default: ${OPTION_DEFAULTS.redialForMs})`,
    )
    .option('--json', 'Print events as JSON lines on stdout (see docs/EVENTS.md)');
  for (const example of EXAMPLES) cli.example(example);
  cli.help((sections) =>
    sections.filter(
      (section) => section.title !== 'Commands' && !section.body.includes('For more info'),
    ),
  );
  cli.version(version);
  return cli;
}

const KNOWN_OPTIONS = new Set([
  '--',
  'host',
  'advertise',
  'mesh',
  'peerTimeout',
  'redialFor',
  'json',
  'help',
  'h',
  'version',
  'v',
]);

function milliseconds(value: unknown, option: string, fallback: number): number | string {
  if (value === undefined) return fallback;
  const text = String(value);
  if (!/^\d{1,9}$/.test(text) || Number(text) < 1)
    return `--${option} must be a whole number of milliseconds ≥ 1, got "${text}"`;
  return Number(text);
}

/** Parses and checks the arguments (without the `node` and script entries). */
export function parseArgs(argv: readonly string[], version: string): ParsedArgs {
  const cli = makeCli(version);
  const parsed = cli.parse(['node', 'rxchat', ...argv], { run: false });
  const options = parsed.options as Record<string, unknown>;
  if (options.help === true || options.h === true) {
    let text = '';
    const log = console.log;
    const info = console.info;
    console.log = console.info = (...parts: unknown[]) => {
      text += `${parts.join(' ')}\n`;
    };
    try {
      cli.outputHelp();
    } finally {
      console.log = log;
      console.info = info;
    }
    return { kind: 'help', text };
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
      message: `<port> must be a number from 0 to 65535 (0: any free port), got "${portText}"`,
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
      mesh: options.mesh !== false,
      peerTimeoutMs,
      redialForMs,
    },
  };
}
