import { FULL_MESH_UP_TO } from '../core/overlay.js';
import { OPTION_DEFAULTS } from './options.js';

/** Every option: its flags, what it does, and its default (shown in --help). */
export const OPTIONS: readonly (readonly [flags: string, text: string, fallback: string])[] = [
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
    'how long to keep dialling a lost member (then it is forgotten), or a named peer not up yet',
    String(OPTION_DEFAULTS.redialForMs),
  ],
  [
    '--linger <ms>',
    'on leaving, wait this long for members to confirm every line sent',
    String(OPTION_DEFAULTS.lingerMs),
  ],
  [
    '--gap-wait <ms>',
    'how long a message waits for a missing predecessor before it is given up',
    String(OPTION_DEFAULTS.gapWaitMs),
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
    '--links <n>',
    'links this node keeps open (the room stays connected through the others); all: a full mesh',
    `a full mesh up to ${FULL_MESH_UP_TO} members, then ⌈log₂ N⌉ + 2`,
  ],
  [
    '--max-links <n>',
    'members linked at most (handshakes done); more are refused',
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

/** The keys cac gives the options above (camel case, `--no-x` as `x`), and `--` for the rest. */
export const KNOWN_OPTIONS: ReadonlySet<string> = new Set([
  '--',
  'host',
  'advertise',
  'mesh',
  'peerTimeout',
  'redialFor',
  'linger',
  'gapWait',
  'history',
  'secretFile',
  'maxLinks',
  'links',
  'quiet',
  'color',
  'identity',
  'json',
  'help',
  'h',
  'version',
  'v',
]);
