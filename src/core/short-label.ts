/**
 * Labels a person reads: real producers name datasets by paths and URIs
 * (`s3://lake/warehouse/sales/orders/part-0000.parquet`), jobs by generated names
 * (`open_lineage_integration_hive.execute_insert_into_hive_table.warehouse_test`) and versions after the run that
 * wrote them (`run-0190f1d2-7a3b-7c4d-8e5f-a1b2c3d4e5f6`). Side by side in a graph such labels run into one
 * unreadable line, so every place a person looks (the explorer, answers' `label`, reports) shows them shortened
 * by the rules below, and the details show the full value. Pure and deterministic: the same name always gives
 * the same short form.
 */

/** Characters of a name in a label; names up to this length are shown whole. */
export const MAX_NAME = 40;
/** Characters of a version in a label. */
export const MAX_VERSION = 24;
const ELLIPSIS = '…';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const LONG_HEX = /^[0-9a-f]{16,}$/i;

/**
 * A name shortened to its end, where names say what they are (the file, the table): the last path segments that
 * fit, after `…/` (`…/orders/part-0000.parquet`), else the last dotted segments (`…warehouse_test`), else the
 * first and last characters around `…`. UUIDs inside are cut to their first 8 characters first.
 */
export function shortName(name: string, max = MAX_NAME): string {
  const compact = name.replace(UUID, (uuid) => uuid.slice(0, 8));
  if (compact.length <= max) return compact;
  for (const separator of ['/', '.']) {
    const tail = tailOf(compact, separator, max - 1 - (separator === '/' ? 1 : 0));
    if (tail !== null) return separator === '/' ? `${ELLIPSIS}/${tail}` : `${ELLIPSIS}${tail}`;
  }
  return middle(compact, max);
}

/**
 * A version shortened: a version derived from a run (`run-<uuid>`) or any UUID or long hexadecimal digest to its
 * first 8 characters, like a short commit SHA; anything else long around `…`.
 */
export function shortVersion(version: string, max = MAX_VERSION): string {
  const compact = version.replace(UUID, (uuid) => uuid.slice(0, 8));
  if (LONG_HEX.test(compact)) return compact.slice(0, 8);
  return compact.length <= max ? compact : middle(compact, max);
}

/** The longest run of last segments (split at `separator`) of at most `max` characters, or null when the last alone is longer. */
function tailOf(text: string, separator: string, max: number): string | null {
  const segments = text.split(separator).filter((segment) => segment !== '');
  if (segments.length < 2) return null;
  let tail = segments.at(-1)!;
  if (tail.length > max) return null;
  for (let i = segments.length - 2; i >= 0; i--) {
    const longer = `${segments[i]}${separator}${tail}`;
    if (longer.length > max) break;
    tail = longer;
  }
  return tail;
}

function middle(text: string, max: number): string {
  const keep = max - 1;
  const head = Math.ceil(keep / 2);
  return `${text.slice(0, head)}${ELLIPSIS}${text.slice(text.length - (keep - head))}`;
}
