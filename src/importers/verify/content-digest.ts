import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Digests of local files and directories, computed the way the recorded digest was: `sha256:<hex>` (the
 * convention of OpenLineage producers and the GraphQL API), `md5:<hex>` (DVC 3), `md5-dos2unix:<hex>` (DVC 2,
 * which hashed text files with CRLF turned to LF), and DVC's directory hashes `md5:<hex>.dir`: the MD5 of the
 * directory's manifest, a JSON list of `{"md5": …, "relpath": …}` sorted by relpath and serialised as Python's
 * `json.dumps(…, sort_keys=True)` does (dvc-data's `Tree.as_bytes`).
 */

export type Algorithm = 'sha256' | 'md5' | 'md5-dos2unix';

export interface ParsedDigest {
  algorithm: Algorithm;
  hex: string;
  directory: boolean;
}

/** DVC hashes in chunks of 1 MiB and decides per chunk, from its first 512 bytes, whether it is text. */
const CHUNK = 2 ** 20;
const TEXT_BLOCK = 512;
const TEXT_CHARS = new Set([...Array.from({ length: 95 }, (_, i) => i + 32), 10, 13, 9, 12, 8]);

export function parseDigest(digest: string): ParsedDigest | null {
  const match = /^(sha256|md5|md5-dos2unix):([0-9a-f]+)(\.dir)?$/i.exec(digest.trim());
  if (!match) return null;
  const algorithm = match[1]!.toLowerCase() as Algorithm;
  const hex = match[2]!.toLowerCase();
  if (hex.length !== (algorithm === 'sha256' ? 64 : 32)) return null;
  if (match[3] && algorithm === 'sha256') return null;
  return { algorithm, hex, directory: !!match[3] };
}

/** The digest of a file or directory in the given spelling (`md5:…`, `md5:….dir`, `sha256:…`). */
export function digestOf(target: string, like: ParsedDigest): string {
  if (like.directory) return `${like.algorithm}:${dirHash(target, like.algorithm as 'md5' | 'md5-dos2unix')}.dir`;
  return `${like.algorithm}:${fileHash(target, like.algorithm)}`;
}

export function fileHash(file: string, algorithm: Algorithm): string {
  const hash = createHash(algorithm === 'sha256' ? 'sha256' : 'md5');
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(CHUNK);
    for (;;) {
      const read = fs.readSync(fd, buffer, 0, CHUNK, null);
      if (read === 0) break;
      const chunk = buffer.subarray(0, read);
      hash.update(algorithm === 'md5-dos2unix' && isTextBlock(chunk.subarray(0, TEXT_BLOCK)) ? dos2unix(chunk) : chunk);
    }
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}

/** DVC's hash of a directory (without the `.dir` suffix). */
export function dirHash(dir: string, algorithm: 'md5' | 'md5-dos2unix'): string {
  const entries = filesUnder(dir).map((relpath) => ({ md5: fileHash(path.join(dir, ...relpath.split('/')), algorithm), relpath }));
  return createHash('md5')
    .update(Buffer.from(manifestBytes(entries), 'utf8'))
    .digest('hex');
}

/** The manifest exactly as Python's json.dumps(sort_keys=True) writes it: ", " and ": ", non-ASCII escaped. */
export function manifestBytes(entries: ReadonlyArray<{ md5: string; relpath: string }>): string {
  const sorted = [...entries].sort((a, b) => compareCodePoints(a.relpath, b.relpath));
  return `[${sorted.map((e) => `{"md5": ${pythonJsonString(e.md5)}, "relpath": ${pythonJsonString(e.relpath)}}`).join(', ')}]`;
}

/** Files below a directory as POSIX relative paths (symbolic links followed, as DVC does by default). */
export function filesUnder(dir: string): string[] {
  const found: string[] = [];
  const walk = (current: string, prefix: string) => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
      const stat = entry.isSymbolicLink() ? fs.statSync(full) : entry;
      if (stat.isDirectory()) walk(full, relative);
      else if (stat.isFile()) found.push(relative);
    }
  };
  walk(dir, '');
  return found;
}

function isTextBlock(block: Buffer): boolean {
  if (block.length === 0) return true;
  if (block.includes(0)) return false;
  let nonText = 0;
  for (const byte of block) if (!TEXT_CHARS.has(byte)) nonText++;
  return nonText / block.length <= 0.3;
}

function dos2unix(chunk: Buffer): Buffer {
  const out = Buffer.alloc(chunk.length);
  let length = 0;
  for (let i = 0; i < chunk.length; i++) {
    if (chunk[i] === 13 && chunk[i + 1] === 10) continue;
    out[length++] = chunk[i]!;
  }
  return out.subarray(0, length);
}

/** Python's json.dumps string: ASCII only, non-ASCII as \uXXXX (UTF-16 units), control characters escaped. */
function pythonJsonString(value: string): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    const char = value[i]!;
    if (char === '"') out += '\\"';
    else if (char === '\\') out += '\\\\';
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (char === '\b') out += '\\b';
    else if (char === '\f') out += '\\f';
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += char;
  }
  return `${out}"`;
}

/** Python compares strings by code point; JavaScript's < by UTF-16 unit (they differ beyond the BMP). */
function compareCodePoints(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}
