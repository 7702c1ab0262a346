import { BadInputError, type LineageError } from '../errors';

/**
 * The events in a body or a file: one JSON event, a JSON array of events, or NDJSON (one event per line, as
 * `jq -c` and log shippers write them). A line of NDJSON that is not JSON is one refused item, with its line
 * number, and does not stop the others; JSON that does not parse at all is refused as a whole.
 */
export type EventItem = ({ event: unknown; error?: undefined } | { event?: undefined; error: LineageError }) & {
  /** Where the item is in its text, for reports: `#3` (third of an array) or `line 7` (NDJSON). */
  at?: string;
};

export function parseJsonEvents(text: string): EventItem[] {
  const parsed = parseJson(text, 'body');
  return Array.isArray(parsed) ? parsed.map((event, index) => ({ event, at: `#${index + 1}` })) : [{ event: parsed }];
}

export function parseNdjsonEvents(text: string): EventItem[] {
  const items: EventItem[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const at = `line ${index + 1}`;
    try {
      items.push({ event: parseJson(line, at), at });
    } catch (error) {
      items.push({ error: error as LineageError, at });
    }
  });
  return items;
}

/** A file: JSON (an event or an array of events) when it parses as a whole, else NDJSON. */
export function parseEventFile(text: string): EventItem[] {
  try {
    return parseJsonEvents(text);
  } catch {
    return parseNdjsonEvents(text);
  }
}

/**
 * `field` names the text in the error (`body`, `line 3`). JSON.parse keeps keys such as `__proto__` as plain
 * data, which is what an event's facets may contain.
 */
export function parseJson(text: string, field: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new BadInputError(field, `is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}
