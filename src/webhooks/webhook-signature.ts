import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Notices are signed with the webhook's secret, so a receiver can tell they come from this service and were not
 * changed or replayed: header `X-Lineage-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
 * The timestamp is the attempt's, so a receiver can refuse old ones (five minutes is usual).
 */
export const SIGNATURE_HEADER = 'x-lineage-signature';

export function signatureOf(secret: string, body: string, timestamp: number): string {
  const digest = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${digest}`;
}

/** What a receiver does (used by the tests, and shown in docs/data-quality.md). */
export function verifySignature(secret: string, body: string, header: string, now: number, toleranceSeconds = 300): boolean {
  const parts = Object.fromEntries(header.split(',').map((part) => part.split('=', 2) as [string, string]));
  const timestamp = Number(parts.t);
  if (!Number.isInteger(timestamp) || !parts.v1 || Math.abs(now - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signatureOf(secret, body, timestamp).split('v1=')[1]!, 'hex');
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
