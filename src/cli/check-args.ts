import { isDialable, parseHostPort } from '../core/address.js';
import type { CliOptions } from './options.js';
import { OPTION_DEFAULTS } from './options.js';

/**
 * The checks of the command line's values, in the order their errors are
 * reported. Each returns the checked values, or (a string) what is wrong.
 */

/** The options as cac parsed them: camel-case keys, values not yet checked. */
export type RawOptions = Readonly<Record<string, unknown>>;

type Positional = Pick<CliOptions, 'port' | 'name' | 'peers'>;
type Flags = Omit<CliOptions, keyof Positional | 'secret'>;
type Addresses = Pick<CliOptions, 'host' | 'advertise'>;
type Numbers = Pick<
  CliOptions,
  'peerTimeoutMs' | 'redialForMs' | 'lingerMs' | 'gapWaitMs' | 'history' | 'maxLinks' | 'links'
>;
type Paths = Pick<CliOptions, 'secretFile' | 'identityFile'>;

const USERNAME = /^[A-Za-z0-9._-]{1,32}$/;

/** `<port> <username> [host:port ...]`. */
export function checkPositional(args: readonly string[]): Positional | string {
  const [portText, name, ...peers] = args;
  if (portText === undefined) return 'missing <port> and <username>';
  if (name === undefined) return 'missing <username>';
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) {
    return `<port> must be a number from 0 to 65535 (0 picks a free port), got "${portText}"`;
  }
  if (!USERNAME.test(name)) {
    return `<username> must be 1-32 letters, digits, ".", "_" or "-", got "${name.slice(0, 40)}"`;
  }
  const bad = peers.find((peer) => parseHostPort(peer) === undefined);
  if (bad !== undefined) return `peer "${bad.slice(0, 80)}" is not host:port (IPv6 as [::1]:port)`;
  return { port: Number(portText), name, peers };
}

/** Every option but the positional arguments. */
export function checkOptions(options: RawOptions): Flags | string {
  const addresses = checkAddresses(options);
  if (typeof addresses === 'string') return addresses;
  const numbers = checkNumbers(options);
  if (typeof numbers === 'string') return numbers;
  const paths = checkPaths(options);
  if (typeof paths === 'string') return paths;
  if (options.json !== undefined && typeof options.json !== 'boolean') {
    return '--json takes no value';
  }
  return {
    ...addresses,
    json: options.json === true,
    quiet: options.quiet === true,
    color: options.color !== false,
    mesh: options.mesh !== false,
    ...numbers,
    ...paths,
  };
}

function checkAddresses(options: RawOptions): Addresses | string {
  const { host, advertise } = options;
  if (host !== undefined && (typeof host !== 'string' || host === '')) {
    return '--host needs an address, e.g. --host 127.0.0.1';
  }
  if (
    advertise !== undefined &&
    (typeof advertise !== 'string' || parseHostPort(advertise) === undefined)
  ) {
    return `--advertise must be host:port, got "${String(advertise).slice(0, 80)}"`;
  }
  if (typeof advertise === 'string' && !isDialable(advertise)) {
    return `--advertise must name an address others can dial, not "${advertise.slice(0, 80)}"`;
  }
  return {
    ...(typeof host === 'string' ? { host } : {}),
    ...(typeof advertise === 'string' ? { advertise } : {}),
  };
}

function checkNumbers(options: RawOptions): Numbers | string {
  const D = OPTION_DEFAULTS;
  const ms = 'milliseconds';
  const peerTimeoutMs = wholeNumber(options.peerTimeout, 'peer-timeout', D.peerTimeoutMs, ms, 1);
  if (typeof peerTimeoutMs === 'string') return peerTimeoutMs;
  const redialForMs = wholeNumber(options.redialFor, 'redial-for', D.redialForMs, ms, 1);
  if (typeof redialForMs === 'string') return redialForMs;
  const lingerMs = wholeNumber(options.linger, 'linger', D.lingerMs, ms, 0);
  if (typeof lingerMs === 'string') return lingerMs;
  const gapWaitMs = wholeNumber(options.gapWait, 'gap-wait', D.gapWaitMs, ms, 1);
  if (typeof gapWaitMs === 'string') return gapWaitMs;
  const history = wholeNumber(options.history, 'history', D.history, 'messages', 1);
  if (typeof history === 'string') return history;
  const maxLinks = wholeNumber(options.maxLinks, 'max-links', D.maxLinks, 'links', 1);
  if (typeof maxLinks === 'string') return maxLinks;
  const links =
    options.links === 'all'
      ? Number.POSITIVE_INFINITY
      : wholeNumber(options.links, 'links', 0, 'links (or all)', 1);
  if (typeof links === 'string') return links;
  const bounded = options.links === undefined ? {} : { links };
  return { peerTimeoutMs, redialForMs, lingerMs, gapWaitMs, history, maxLinks, ...bounded };
}

/** A whole number (of `unit`) of at least `min`; `fallback` when the option is not given. */
function wholeNumber(
  value: unknown,
  option: string,
  fallback: number,
  unit: string,
  min: number,
): number | string {
  if (value === undefined) return fallback;
  if (value === true) return `--${option} needs a value: a whole number of ${unit} ≥ ${min}`;
  const text = String(value);
  if (!/^\d{1,9}$/.test(text) || Number(text) < min) {
    return `--${option} must be a whole number of ${unit} ≥ ${min}, got "${text}"`;
  }
  return Number(text);
}

function checkPaths(options: RawOptions): Paths | string {
  const { identity, secretFile } = options;
  if (identity !== undefined && (typeof identity !== 'string' || identity === '')) {
    return '--identity needs a path';
  }
  if (secretFile !== undefined && (typeof secretFile !== 'string' || secretFile === '')) {
    return '--secret-file needs a path';
  }
  return {
    ...(typeof secretFile === 'string' ? { secretFile } : {}),
    ...(typeof identity === 'string' ? { identityFile: identity } : {}),
  };
}
