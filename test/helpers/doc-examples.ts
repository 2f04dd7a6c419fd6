import { readFileSync } from 'node:fs';

/** The JSON object of each ```json block of a file under docs/. */
export function docExamples(name: string): Record<string, unknown>[] {
  const text = readFileSync(new URL(`../../docs/${name}`, import.meta.url), 'utf8');
  const blocks = [...text.matchAll(/```json\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
  // One JSON value per block (the formatter may spread it over several lines).
  return blocks.map((block) => JSON.parse(block) as Record<string, unknown>);
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
