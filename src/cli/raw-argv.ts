import { OPTIONS } from './option-table.js';

/** The long names of the options that take a value (`--linger <ms>`) and of those that do not. */
function optionNames(): {
  readonly valued: ReadonlySet<string>;
  readonly plain: ReadonlySet<string>;
} {
  const valued = new Set<string>();
  const plain = new Set<string>();
  for (const [flags] of OPTIONS) {
    const long = /--[a-z-]+/.exec(flags)?.[0];
    if (long === undefined) continue;
    (flags.includes('<') ? valued : plain).add(long);
    // `--no-color` is also `--color` to the parser: given a value, it is as wrong.
    if (long.startsWith('--no-')) plain.add(`--${long.slice(5)}`);
  }
  return { valued, plain };
}

/**
 * The argument list as the parser should see it, or what is wrong with it:
 * a negative number after an option that takes a value is that option's
 * value (not an unknown option `-1`), and an option that takes no value
 * given one (`--quiet=yes`) is an error naming it.
 */
export function screenArgv(argv: readonly string[]): readonly string[] | string {
  const { valued, plain } = optionNames();
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [name, value] = arg.split('=', 2);
    if (value !== undefined && name !== undefined && plain.has(name))
      return `${name} takes no value, got "${arg.slice(0, 80)}"`;
    const next = argv[i + 1];
    if (valued.has(arg) && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i += 1;
    } else out.push(arg);
  }
  return out;
}
