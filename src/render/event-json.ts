import type { OutputEvent } from '../core/output-event.js';
import { quote } from '../protocol/json-text.js';

interface SharedFields {
  readonly from: string;
  readonly origin: string;
  readonly time: string;
  readonly head: string;
  readonly timeField: string;
}

/**
 * Makes the writer of `--json` lines, `JSON.stringify(event)` with DEL, C1
 * controls and U+2028/U+2029 escaped (see escapeControls): a
 * message (the event printed thousands of times a second) is written by
 * hand, field by field in the order the core builds it; every other event
 * goes through `JSON.stringify`. Each writer keeps its own cache, so one
 * output's messages never change what another prints.
 */
export function makeEventJson(): (event: OutputEvent) => string {
  // Consecutive messages mostly share sender and time: their quoted fields are kept.
  let shared: SharedFields | undefined;
  return (event) => escapeControls(eventLine(event));

  function eventLine(event: OutputEvent): string {
    // Direct and unmet messages are rare: they take the general way.
    if (event.event !== 'message' || event.to !== undefined || event.unmet === true)
      return JSON.stringify(event);
    let fields = shared;
    if (
      fields === undefined ||
      event.from !== fields.from ||
      event.origin !== fields.origin ||
      event.time !== fields.time
    ) {
      fields = {
        from: event.from,
        origin: event.origin,
        time: event.time,
        head: `{"event":"message","from":${quote(event.from)},"origin":${quote(event.origin)},"id":`,
        timeField: `,"time":${quote(event.time)},"history":`,
      };
      shared = fields;
    }
    return `${fields.head}${quote(event.id)},"text":${quote(event.text)}${fields.timeField}${event.history},"action":${event.action}}`;
  }
}

/**
 * What JSON leaves raw inside strings and a terminal may still act on: DEL,
 * the C1 controls (U+0080–U+009F; U+009B is a CSI) and the line and
 * paragraph separators. Outside strings a JSON line has none of them.
 */
const RAW_CONTROL = /[\u007f-\u009f\u2028\u2029]/g;

/** The line with every such character written as a `\uXXXX` escape: the same JSON value. */
export function escapeControls(line: string): string {
  RAW_CONTROL.lastIndex = 0;
  if (!RAW_CONTROL.test(line)) return line;
  return line.replace(
    RAW_CONTROL,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
