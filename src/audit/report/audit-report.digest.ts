import { canonicalJson } from '../../core/canonical-json';
import { sha256 } from '../audit-hash';
import type { AuditReport } from './audit-report.types';

/**
 * A report's own SHA-256: of the canonical JSON (keys sorted at every level) of the report without its
 * `reportSha256` field. Anyone holding the JSON can recompute it; the Markdown and HTML state the same digest,
 * since they render the same data.
 */
export function reportDigest(report: Omit<AuditReport, 'reportSha256'> | AuditReport): string {
  const { reportSha256: _ignored, ...content } = report as AuditReport;
  return sha256(canonicalJson(content));
}
