import { createHmac, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import type { Logger } from 'pino';

/**
 * Anchors of the audit chain outside the store. The hash chain alone proves the records agree with each other,
 * not that nobody with write access to Neo4j rewrote them all (and the head) consistently, or cut the tail off.
 * Two anchors close that, each optional:
 *
 * - AUDIT_HMAC_KEY: every append signs the chain head (`seq:hash`) with an HMAC-SHA256 under a key the store does
 *   not hold. A rewritten chain needs a new head signature, which only the key can make; `verify` checks it.
 * - AUDIT_ANCHOR_FILE: the service appends the head (`{"seq", "hash", "mac", "at"}`, one JSON line) to a file the
 *   operator keeps (and logs it as `audit anchor`), every AUDIT_ANCHOR_INTERVAL_MS when the head moved, and at
 *   shutdown. `verify` checks every anchor is still on the chain: a chain cut back to an older head, even one whose
 *   signature was kept, is found, as far as the last anchor.
 */

export interface AuditAnchor {
  seq: number;
  hash: string;
  mac?: string | null;
  at?: string;
}

const DOMAIN = 'lineage-audit-head';

/** The signature of a chain head under the key. */
export function headMac(key: string, seq: number, hash: string): string {
  return createHmac('sha256', key).update(`${DOMAIN}:${seq}:${hash}`).digest('hex');
}

export function macMatches(key: string, seq: number, hash: string, mac: string | null | undefined): boolean {
  if (typeof mac !== 'string' || !/^[0-9a-f]{64}$/.test(mac)) return false;
  return timingSafeEqual(Buffer.from(headMac(key, seq, hash), 'hex'), Buffer.from(mac, 'hex'));
}

/** The anchors of a file, oldest first; a line that is not an anchor is reported with its number. */
export function readAnchors(file: string): AuditAnchor[] {
  const text = fs.readFileSync(file, 'utf8');
  return text.split('\n').flatMap((line, index) => {
    if (line.trim() === '') return [];
    let anchor: AuditAnchor;
    try {
      anchor = JSON.parse(line) as AuditAnchor;
    } catch {
      throw new Error(`${file}:${index + 1} is not an audit anchor (a JSON line with seq and hash)`);
    }
    if (!Number.isSafeInteger(anchor.seq) || anchor.seq < 0 || typeof anchor.hash !== 'string' || !/^[0-9a-f]{64}$/.test(anchor.hash)) {
      throw new Error(`${file}:${index + 1} is not an audit anchor (a JSON line with seq and hash)`);
    }
    return [anchor];
  });
}

/**
 * Publishes the chain head to the anchor file and the log, when it moved forward since the last time. A head that
 * went back, or whose signature does not match, is not published (it would anchor a rewritten chain) but logged
 * as an error: it is the evidence of tampering an operator must see.
 */
export class AnchorPublisher {
  private lastSeq: number | null = null;

  constructor(
    private readonly head: () => Promise<{ seq: number; hash: string; mac: string | null }>,
    private readonly file: string | undefined,
    private readonly hmacKey: string | null,
    private readonly logger: Logger,
  ) {}

  async publish(): Promise<AuditAnchor | null> {
    const head = await this.head();
    if (head.seq === 0 || head.seq === this.lastSeq) return null;
    if (this.lastSeq !== null && head.seq < this.lastSeq) {
      this.logger.error({ audit: head, published: this.lastSeq }, `the audit chain head went back from ${this.lastSeq} to ${head.seq}: records were removed`);
      return null;
    }
    if (this.hmacKey !== null && !macMatches(this.hmacKey, head.seq, head.hash, head.mac)) {
      this.logger.error({ audit: head }, "the audit chain head's signature does not match AUDIT_HMAC_KEY: not published");
      return null;
    }
    const anchor: AuditAnchor = { seq: head.seq, hash: head.hash, mac: head.mac, at: new Date().toISOString() };
    if (this.file) await fs.promises.appendFile(this.file, `${JSON.stringify(anchor)}\n`, { mode: 0o600 });
    this.logger.info({ audit: anchor }, 'audit anchor');
    this.lastSeq = head.seq;
    return anchor;
  }
}
