/**
 * Strings as Neo4j will store them. Neo4j stores UTF-8: a lone UTF-16 surrogate (`"\ud800"`, valid in JSON and in
 * JavaScript, not in Unicode) is stored as U+FFFD, so a string hashed or compared before it is stored would no
 * longer match what was stored. Cutting a string with `slice` can make one (half a surrogate pair). So every
 * string that is stored, and above all every string an audit record hashes, is well-formed and cut on code points;
 * control characters are refused where a name is expected and escaped where text must be kept whatever it holds.
 */

// Lone surrogates, for engines without String.prototype.isWellFormed (Node 20 has it).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// C0 and C1 controls and DEL: invisible or terminal-controlling, and ambiguous in keys and log lines.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;

interface WellFormedString {
  isWellFormed?: () => boolean;
  toWellFormed?: () => string;
}

/** True when the string is valid Unicode (no lone surrogate): it is stored exactly as it is. */
export function isWellFormed(text: string): boolean {
  const native = (text as unknown as WellFormedString).isWellFormed;
  return native ? native.call(text) : !LONE_SURROGATE.test(text);
}

/** The string Neo4j stores for `text`: each lone surrogate becomes U+FFFD, as UTF-8 encoding makes it. */
export function asStored(text: string): string {
  const native = (text as unknown as WellFormedString).toWellFormed;
  return native ? native.call(text) : text.replace(LONE_SURROGATES, '\uFFFD');
}

export function hasControlCharacters(text: string): boolean {
  return CONTROL.test(text);
}

/** Control characters written as visible `\u00XX` escapes, for text that is kept but must not control a display. */
export function escapeControlCharacters(text: string): string {
  return text.replace(CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** At most `max` UTF-16 units, never half a surrogate pair; `ellipsis` marks a cut (and counts in `max`). */
export function cutText(text: string, max: number, ellipsis = ''): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - ellipsis.length);
  const last = text.charCodeAt(end - 1);
  // Ends in the high half of a pair: the low half would be cut off, so the pair goes whole.
  if (end > 0 && last >= 0xd800 && last <= 0xdbff) end -= 1;
  return text.slice(0, end) + ellipsis;
}
