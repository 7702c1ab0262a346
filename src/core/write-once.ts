/**
 * Versions are immutable, but what is known about them arrives piece by piece (an OpenLineage START names an
 * output, the COMPLETE adds its row count). So their fields are write-once: an unknown value may be filled,
 * a known value may be repeated, and a different value is a conflict.
 */
export interface WriteOnceMerge<T> {
  /** The fields to set: those unknown so far and given now. */
  fill: Partial<T>;
  /** Fields given with a value different from the recorded one. */
  conflicts: Array<{ field: keyof T & string; recorded: unknown; given: unknown }>;
}

export function mergeWriteOnce<T extends Record<string, unknown>>(recorded: Partial<T> | null, given: Partial<T>): WriteOnceMerge<T> {
  const fill: Partial<T> = {};
  const conflicts: WriteOnceMerge<T>['conflicts'] = [];
  for (const field of Object.keys(given) as Array<keyof T & string>) {
    const value = given[field];
    if (value === null || value === undefined) continue;
    const before = recorded?.[field];
    if (before === null || before === undefined) {
      fill[field] = value;
    } else if (!sameValue(before, value)) {
      conflicts.push({ field, recorded: before, given: value });
    }
  }
  return { fill, conflicts };
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) return new Date(a as string).getTime() === new Date(b as string).getTime();
  return typeof a === 'object' || typeof b === 'object' ? JSON.stringify(a) === JSON.stringify(b) : a === b;
}

/** "digest: recorded 'sha256:aa', given 'sha256:bb'; rowCount: …" */
export function describeConflicts(conflicts: Array<{ field: string; recorded: unknown; given: unknown }>): string {
  const show = (value: unknown) => {
    const text = value instanceof Date ? value.toISOString() : typeof value === 'string' ? value : JSON.stringify(value);
    return `'${text.length > 80 ? `${text.slice(0, 80)}…` : text}'`;
  };
  return conflicts.map((c) => `${c.field}: recorded ${show(c.recorded)}, given ${show(c.given)}`).join('; ');
}
