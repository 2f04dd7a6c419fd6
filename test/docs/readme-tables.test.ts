import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OPTIONS } from '../../src/cli/option-table.js';
import { EXIT } from '../../src/cli/options.js';
import { INTERRUPTED_EXIT_CODE } from '../../src/core/leaving.js';
import { UNHEARD_EXIT_CODE } from '../../src/core/outcome.js';
import { COMMAND_HELP } from '../../src/render/command-help.js';
import { warningText } from '../../src/render/warning-text.js';

const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');

/** The first column of the README table whose header starts with `header`, unquoted. */
function firstColumn(header: string): string[] {
  const at = readme.indexOf(`| ${header}`);
  expect(at, `a README table starting "| ${header}"`).toBeGreaterThanOrEqual(0);
  const rows: string[] = [];
  for (const line of readme.slice(at).split('\n').slice(2)) {
    if (!line.startsWith('|')) break;
    rows.push((line.split('|')[1] ?? '').trim().replace(/^`|`$/g, ''));
  }
  return rows;
}

describe("the README's tables match the code", () => {
  it('the options table lists exactly the options of --help', () => {
    expect(firstColumn('option').sort()).toEqual(OPTIONS.map(([flags]) => flags).sort());
  });

  it('the commands table lists exactly the commands of /help', () => {
    expect(firstColumn('command').sort()).toEqual(COMMAND_HELP.map(([name]) => name).sort());
  });

  it('the lines an exit 3 comes with are worded as the node words them', () => {
    const at = readme.indexOf('exits **3** with one stderr line');
    const start = readme.indexOf('```\n', at) + 4;
    const block = readme.slice(start, readme.indexOf('\n```', start));
    const bob = { name: 'bob', id: '3fa2c0d9e8b71a64', tagged: false };
    expect(block.split('\n')).toEqual(
      [
        warningText({ code: 'unconfirmed', lingerMs: 5000, members: [bob], lines: 3 }),
        warningText({ code: 'nobodyHeard', lines: 2 }),
        warningText({ code: 'refusedLines', lines: 1 }),
        warningText({ code: 'undeliveredDirect', count: 1 }),
      ].map((line) => `rxchat: ${line}`),
    );
  });

  it('the exit-code table lists exactly the exit codes the node uses', () => {
    const codes = [...Object.values(EXIT), UNHEARD_EXIT_CODE, INTERRUPTED_EXIT_CODE];
    expect(firstColumn('code').map(Number).sort()).toEqual([...new Set(codes)].sort());
  });
});
