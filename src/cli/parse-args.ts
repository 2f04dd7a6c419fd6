import { cac } from 'cac';
import type { RawOptions } from './check-args.js';
import { checkOptions, checkPositional } from './check-args.js';
import { helpText } from './help-text.js';
import { KNOWN_OPTIONS, OPTIONS } from './option-table.js';
import type { CliOptions } from './options.js';
import { screenArgv } from './raw-argv.js';

export type ParsedArgs =
  | { readonly kind: 'run'; readonly options: CliOptions }
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'version'; readonly text: string }
  | { readonly kind: 'error'; readonly message: string };

/** Parses and checks the arguments (without the `node` and script entries). */
export function parseArgs(argv: readonly string[], version: string): ParsedArgs {
  const screened = screenArgv(argv);
  if (typeof screened === 'string') return { kind: 'error', message: screened };
  const cli = cac('rxchat');
  for (const [flags, text] of OPTIONS) cli.option(flags, text);
  const parsed = cli.parse(['node', 'rxchat', ...screened], { run: false });
  const options: RawOptions = parsed.options;
  if (options.help === true || options.h === true) {
    return { kind: 'help', text: helpText(version) };
  }
  if (options.version === true || options.v === true) {
    return { kind: 'version', text: `rxchat ${version}\n` };
  }
  const unknown = unknownOption(options);
  if (unknown !== undefined) return { kind: 'error', message: unknown };
  const positional = checkPositional(parsed.args.map(String));
  if (typeof positional === 'string') return { kind: 'error', message: positional };
  const flags = checkOptions(options);
  if (typeof flags === 'string') return { kind: 'error', message: flags };
  return { kind: 'run', options: { ...positional, ...flags } };
}

/** The first option cac parsed that is not one of ours, as it was typed. */
function unknownOption(options: RawOptions): string | undefined {
  const key = Object.keys(options).find((name) => !KNOWN_OPTIONS.has(name));
  if (key === undefined) return undefined;
  const flag =
    key.length === 1 ? `-${key}` : `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  return `unknown option ${flag}`;
}
