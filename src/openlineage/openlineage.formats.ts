/**
 * The string formats the OpenLineage schema uses (`date-time`, `uuid`, `uri`), checked by hand so the
 * service needs no JSON Schema engine at run time. Every pattern is anchored and linear, so a long string
 * costs time proportional to its length, never more.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** RFC 4122 text form, any version and case. The `urn:uuid:` prefix is not part of it. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

// RFC 3986 absolute URI: a scheme, a colon, then only characters a URI may contain. The structure after the
// scheme is not parsed: producers send URLs, `urn:`s and git remotes, and we only store the value.
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]*$/;
const BAD_PERCENT = /%(?![0-9A-Fa-f]{2})/;

export function isUri(value: string): boolean {
  return URI.test(value) && !BAD_PERCENT.test(value);
}

export type DateTimeResult = { ok: true; utc: string } | { ok: false; reason: string | null };

// RFC 3339 section 5.6, plus what its notes allow: a lower-case `t`/`z` or a space between date and time.
// The offset is matched as optional only to say precisely that it is missing.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})?$/;

/**
 * Parses an RFC 3339 date-time and returns it in UTC with millisecond precision (`2024-05-01T10:00:00.123Z`).
 * Finer fractions (micro-, nanoseconds) are truncated, not rounded, so an instant never moves into the next
 * millisecond (or day). A leap second (`23:59:60` UTC) becomes `23:59:59.999`, which keeps event order.
 * `reason` says what is wrong when it is more than the shape (a missing offset, an impossible date).
 */
export function parseDateTime(value: string): DateTimeResult {
  const match = DATE_TIME.exec(value);
  if (match === null) return { ok: false, reason: null };
  const [, year, month, day, hour, minute, second, fraction = '', offset] = match as unknown as string[];
  if (offset === undefined) return { ok: false, reason: 'it has no time zone offset (add Z or +hh:mm)' };
  const y = Number(year);
  const mo = Number(month);
  const d = Number(day);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return { ok: false, reason: `${year}-${month}-${day} is not a calendar date` };
  const h = Number(hour);
  const mi = Number(minute);
  const s = Number(second);
  if (h > 23 || mi > 59 || s > 60) return { ok: false, reason: `${hour}:${minute}:${second} is not a time of day` };
  const offsetMinutes = parseOffset(offset);
  if (offsetMinutes === null) return { ok: false, reason: `${offset} is not a time zone offset` };

  const instant = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999.
  instant.setUTCFullYear(y, mo - 1, d);
  instant.setUTCHours(h, mi, Math.min(s, 59), Number(fraction.slice(0, 3).padEnd(3, '0')));
  instant.setTime(instant.getTime() - offsetMinutes * 60_000);
  if (s === 60) {
    if (instant.getUTCHours() !== 23 || instant.getUTCMinutes() !== 59) return { ok: false, reason: 'a leap second must fall at 23:59:60 UTC' };
    instant.setUTCMilliseconds(999);
  }
  const utcYear = instant.getUTCFullYear();
  if (utcYear < 0 || utcYear > 9999) return { ok: false, reason: 'it is outside the years 0000-9999 in UTC' };
  return { ok: true, utc: instant.toISOString() };
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Minutes east of UTC, or null when the hours or minutes are out of range. */
function parseOffset(offset: string): number | null {
  if (offset === 'Z' || offset === 'z') return 0;
  const hours = Number(offset.slice(1, 3));
  const minutes = Number(offset.slice(4, 6));
  if (hours > 23 || minutes > 59) return null;
  return (offset[0] === '-' ? -1 : 1) * (hours * 60 + minutes);
}
