import type { Announcement, Frame, MemberInfo, VectorRecord } from './frames.js';
import { MAX_BURST } from './frames.js';

/**
 * The checks the frame validators share: field types and limits. Each `is…`
 * is a type guard; the others return the checked value, or undefined.
 */

/** The result of checking a parsed JSON value against the frame shapes. */
export type Validated =
  | { readonly ok: true; readonly frame: Frame }
  | { readonly ok: false; readonly error: string };

export function fail(error: string): Validated {
  return { ok: false, error };
}

export type Obj = Readonly<Record<string, unknown>>;

export const MAX_NAME = 32;

/**
 * A name from the network: 1–32 letters, marks, digits, `.`, `_` or `-` of
 * any script, starting with no mark — a superset of the command line's rule
 * with no control, format (zero-width, bidi), separator or invisible filler
 * character.
 */
const NAME =
  /^(?![\p{M}\u115f\u1160\u3164\uffa0])(?:(?![\u115f\u1160\u3164\uffa0])[\p{L}\p{M}\p{N}._-])+$/u;

/** A time as an announcement gives it: UTC, to the millisecond, so that times compare as text. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function isName(value: unknown): value is string {
  return isStr(value, MAX_NAME) && NAME.test(value);
}
export const MAX_TEXT = 16_000;
export const MAX_LIST = 4096;
const MAX_VECTOR = 4096;

/** Node ids and incarnations: letters, digits, `_` and `-` (they are joined with `.`). */
const TOKEN = /^[A-Za-z0-9_-]{1,64}$/;
const STREAM = /^[A-Za-z0-9_-]{1,64}\.[A-Za-z0-9_-]{1,64}$/;

export function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string of 1 to `max` characters. */
export function isStr(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= max;
}

export function isInt(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

export function isToken(value: unknown): value is string {
  return typeof value === 'string' && TOKEN.test(value);
}

/** A stream name: `<id>.<incarnation>`. */
export function isStream(value: unknown): value is string {
  return typeof value === 'string' && STREAM.test(value);
}

/** A version vector: at most MAX_VECTOR streams, each to a sequence number. */
export function vector(value: unknown): VectorRecord | undefined {
  if (!isObj(value)) return undefined;
  const out: Record<string, number> = {};
  let size = 0;
  for (const key of Object.keys(value)) {
    const seq = value[key];
    if (!STREAM.test(key) || !isInt(seq, 0, Number.MAX_SAFE_INTEGER) || ++size > MAX_VECTOR)
      return undefined;
    out[key] = seq;
  }
  return out;
}

/** The fields of an announcement (hello, members entry), or the name of the first bad one. */
export function announcement(value: Obj): Announcement | string {
  const { id, inc, name, port, mesh, advertise, key, dh, time, sig } = value;
  if (!isToken(id)) return 'id';
  if (!isToken(inc)) return 'inc';
  if (!isName(name)) return 'name';
  if (!isInt(port, 0, 65535)) return 'port';
  if (typeof mesh !== 'boolean') return 'mesh';
  if (advertise !== undefined && !isStr(advertise, 300)) return 'advertise';
  if (!isStr(key, 64)) return 'key';
  if (!isStr(dh, 64)) return 'dh';
  if (typeof time !== 'string' || !ISO_TIME.test(time)) return 'time';
  if (!isStr(sig, 200)) return 'sig';
  const fields = { id, inc, name, port, mesh, key, dh, time, sig };
  return advertise === undefined ? fields : { ...fields, advertise };
}

export function member(value: unknown): MemberInfo | undefined {
  if (!isObj(value)) return undefined;
  const fields = announcement(value);
  if (typeof fields === 'string' || !isStr(value.address, 300)) return undefined;
  return { ...fields, address: value.address };
}

/** Chat texts: 1 to MAX_BURST strings of at most MAX_TEXT characters. */
export function chatTexts(value: unknown): readonly string[] | undefined {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_BURST) return undefined;
  for (const text of value)
    if (typeof text !== 'string' || text.length > MAX_TEXT) return undefined;
  return value as string[];
}

/** Action indices: ascending, each a text's index (the canonical form that is signed). */
export function actionIndices(value: unknown, count: number): readonly number[] | undefined {
  if (!Array.isArray(value) || value.length === 0 || value.length > count) return undefined;
  let previous = -1;
  for (const index of value) {
    if (!isInt(index, previous + 1, count - 1)) return undefined;
    previous = index;
  }
  return value as number[];
}

/** A list of at most `max` values, each passing `each`. */
export function everyOrUndefined<T>(
  values: unknown,
  max: number,
  each: (v: unknown) => T | undefined,
): T[] | undefined {
  if (!Array.isArray(values) || values.length > max) return undefined;
  const out: T[] = [];
  for (const value of values) {
    const checked = each(value);
    if (checked === undefined) return undefined;
    out.push(checked);
  }
  return out;
}
