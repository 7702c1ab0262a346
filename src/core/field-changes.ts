import type { AuditChange } from './audit-log';

/**
 * The fields that differ between an entity's state before and after a write, as audit changes. Dates are
 * compared and recorded as ISO strings; JSON strings are recorded parsed, so the trail reads naturally.
 */
export function fieldChanges<T extends object>(entityId: string, before: T | null, after: T, fields: ReadonlyArray<keyof T & string>): AuditChange[] {
  const changes: AuditChange[] = [];
  for (const field of fields) {
    const was = normalize(before?.[field]);
    const is = normalize(after[field]);
    if (JSON.stringify(was) !== JSON.stringify(is)) {
      changes.push({ entityId, field: field.replace(/Json$/, ''), before: was, after: is });
    }
  }
  return changes;
}

function normalize(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string' && (value.startsWith('{') || value.startsWith('['))) {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  return value;
}
