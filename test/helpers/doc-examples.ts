import { readFileSync } from 'node:fs';

/** The text of a file under docs/. */
export function docText(name: string): string {
  return readFileSync(new URL(`../../docs/${name}`, import.meta.url), 'utf8');
}

/** The bodies of the fenced code blocks of a file under docs/ tagged `lang` (e.g. json, text). */
export function docBlocks(name: string, lang: string): string[] {
  const fence = new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``, 'g');
  return [...docText(name).matchAll(fence)].map((match) => match[1] ?? '');
}

/** The JSON object of each ```json block of a file under docs/. */
export function docExamples(name: string): Record<string, unknown>[] {
  // One JSON value per block (the formatter may spread it over several lines).
  return docBlocks(name, 'json').map((block) => JSON.parse(block) as Record<string, unknown>);
}

/** A value's shape: keys and JSON types, recursively (arrays by their first element). */
export function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? ['empty'] : [shapeOf(value[0])];
  if (value === null) return 'null';
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, inner]) => [key, shapeOf(inner)]),
    );
  }
  return typeof value;
}

/** The JSON type of a value as the field tables name it. */
export function jsonType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value;
}

/** A markdown table: its header cells and the cells of each row. */
export interface MarkdownTable {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((cell) => cell.trim());
}

/** Every table of a markdown text (a header line, a `---` line, then rows). */
export function markdownTables(text: string): MarkdownTable[] {
  const tables: MarkdownTable[] = [];
  const lines = text.split('\n');
  for (let i = 0; i + 1 < lines.length; i++) {
    const line = lines[i] ?? '';
    if (!line.startsWith('|') || !/^\|[\s|:-]+\|$/.test(lines[i + 1] ?? '')) continue;
    const rows: string[][] = [];
    let j = i + 2;
    for (; (lines[j] ?? '').startsWith('|'); j++) rows.push(cells(lines[j] ?? ''));
    tables.push({ header: cells(line), rows });
    i = j;
  }
  return tables;
}

/** One row of a frame's field table in docs/PROTOCOL.md. */
export interface FieldRow {
  readonly field: string;
  /** `string`, `number`, `boolean`, `object` or `array`. */
  readonly json: string;
  readonly presence: 'required' | 'optional';
  readonly rule: string;
  readonly meaning: string;
}

/**
 * The field tables of docs/PROTOCOL.md, by what they describe: a frame type
 * (header "`hello` field") or the entries of a frame's list ("`members` entry
 * field", keyed "members entry").
 */
export function fieldTables(): Map<string, FieldRow[]> {
  const tables = new Map<string, FieldRow[]>();
  for (const table of markdownTables(docText('PROTOCOL.md'))) {
    const match = /^`(\w+)`( entry)? field$/.exec(table.header[0] ?? '');
    if (match === null) continue;
    const key = `${match[1]}${match[2] ?? ''}`;
    const rows = table.rows.map(
      ([field = '', json = '', presence = '', rule = '', meaning = '']) => {
        if (presence !== 'required' && presence !== 'optional')
          throw new Error(`${key}: presence of ${field} is "${presence}"`);
        return { field: field.replace(/^`|`$/g, ''), json, presence, rule, meaning } as const;
      },
    );
    if (tables.has(key)) throw new Error(`two field tables for ${key}`);
    tables.set(key, rows);
  }
  return tables;
}
