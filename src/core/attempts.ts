/** A planned dial attempt: redials of lost members, retries of named peers. */
export interface Attempt {
  readonly target: string;
  readonly nextAt: number;
  /** In flight: its outcome is awaited, not the clock. */
  readonly dialing: boolean;
}

/** When the earliest of `attempts` is due (one to a target already being dialled waits). */
export function earliestAttempt(
  attempts: Iterable<Attempt>,
  dialing: ReadonlySet<string>,
): number | undefined {
  let due: number | undefined;
  for (const attempt of attempts) {
    if (attempt.dialing || dialing.has(attempt.target)) continue;
    if (due === undefined || attempt.nextAt < due) due = attempt.nextAt;
  }
  return due;
}
