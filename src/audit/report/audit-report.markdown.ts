import { featureRows } from './audit-report.columns';
import { qualityMarkdown } from './audit-report.quality.render';
import type { AuditReport, RecordedBy } from './audit-report.types';

/** The report as Markdown (GitHub-flavoured tables): for a ticket, a pull request or a wiki page. */
export function renderMarkdown(report: AuditReport): string {
  const { served, provenance } = report;
  const lines: string[] = [];
  const out = (...more: string[]) => lines.push(...more);
  const table = (header: string[], rows: string[][]) => {
    out(`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`);
    for (const row of rows) out(`| ${row.map(cell).join(' | ')} |`);
    out('');
  };

  out(`# Audit report: ${text(report.subject.label)}`, '');
  out(`- **Subject:** ${report.subject.kind} \`${report.subject.id}\``);
  out(`- **As of:** ${report.asOf}`);
  out(`- **Audit chain:** ${report.auditChain ? `record #${report.auditChain.seq}, hash \`${report.auditChain.hash}\`` : 'no records about these entities'}`);
  out(`- **Report SHA-256:** \`${report.reportSha256}\``, '');

  out('## What is served', '');
  if (served.deployment) {
    const d = served.deployment;
    out(
      `Deployment **${text(d.name)}** in **${text(d.environment)}**${d.endpoint ? ` at ${text(d.endpoint)}` : ''}, serving **${text(d.modelVersion)}**, ` +
        `deployed ${d.deployedAt} by ${text(d.deployedBy)}; ${d.liveAsOf ? `live as of ${report.asOf}` : `retired ${d.retiredAt} by ${text(d.retiredBy ?? 'unknown')}`}.`,
      '',
    );
  }
  const mv = served.modelVersion;
  table(
    ['Model version', 'Artifact', 'Digest', 'Framework', 'Metrics', 'Trained by run', 'Recorded'],
    [
      [
        `${mv.model}@${mv.version}`,
        mv.artifactUri ?? '',
        mv.digest ?? '',
        mv.framework ?? '',
        json(mv.metrics),
        mv.trainingRunId ?? '',
        recordedText(mv.recorded),
      ],
    ],
  );

  out('## Provenance', '');
  if (provenance.truncated) out(`> The provenance was cut (${provenance.truncatedReason}): the lists below are incomplete.`, '');
  out('### Dataset versions', '');
  table(
    ['Dataset version', 'URI', 'Digest', 'Rows', 'Created', 'Produced by', 'Recorded'],
    provenance.datasetVersions.map((v) => [
      `${v.namespace}/${v.name}@${v.version}`,
      v.uri ?? '',
      v.digest ?? '',
      v.rowCount === null ? '' : String(v.rowCount),
      v.createdAt,
      v.isSource ? 'raw source' : (v.producedByRunId ?? ''),
      recordedText(v.recorded),
    ]),
  );
  out('### Runs', '');
  table(
    ['Run', 'Job', 'State', 'Started', 'Ended', 'Parameters', 'Commit', 'Read', 'Wrote', 'Recorded'],
    provenance.runs.map((r) => [
      r.runId,
      r.job ?? '',
      r.state ?? '',
      r.startedAt ?? '',
      r.endedAt ?? '',
      json(r.parameters),
      r.commitSha ?? '',
      r.read.join(', '),
      r.wrote.join(', '),
      recordedText(r.recorded),
    ]),
  );
  out('### Commits', '');
  table(
    ['Commit', 'Repository', 'Branch', 'Author', 'Committed', 'Message', 'Recorded'],
    provenance.commits.map((c) => [c.sha, c.repository, c.branch ?? '', c.author ?? '', c.committedAt ?? '', c.message ?? '', recordedText(c.recorded)]),
  );

  if (report.features) {
    out('### Source columns of the features', '');
    if (report.features.truncated) out('> A limit cut the column lineage: some source columns may be missing.', '');
    table(['Feature', 'Source column', 'Masking'], featureRows(report.features));
  }
  out(...qualityMarkdown(report.dataQuality, report.asOf, text));

  out('## Deployment history', '');
  table(
    ['Deployed', 'Slot', 'Model version', 'Deployed by', 'Retired', 'Retired by', 'Live as of report', 'Recorded'],
    report.deploymentHistory.map((d) => [
      d.deployedAt,
      `${d.name} (${d.environment})`,
      d.modelVersion,
      d.deployedBy,
      d.retiredAt ?? '',
      d.retiredBy ?? '',
      d.liveAsOf ? 'yes' : 'no',
      recordedText(d.recorded),
    ]),
  );

  out('## Audit records', '');
  if (report.auditRecordsTruncated) out('> More records touch these entities than a report lists; query `auditTrail` for the rest.', '');
  table(
    ['#', 'At', 'Actor', 'Source', 'Operation', 'Changes', 'Hash'],
    report.auditRecords.map((r) => [
      String(r.seq),
      r.at,
      r.actor,
      r.source,
      r.operation,
      r.changes.map((c) => `${c.field}: ${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}`).join('; '),
      r.hash,
    ]),
  );

  out('## How to verify', '');
  out(
    '1. `npm run audit -- verify` (or the `verifyAuditTrail` query) must report an intact chain of at least ' +
      `${report.auditChain?.seq ?? 0} records, and record #${report.auditChain?.seq ?? 0} must still have the hash above.`,
    '2. The JSON form of this report, without `reportSha256`, in canonical JSON (keys sorted), must hash to the report SHA-256 above.',
    '',
  );
  return lines.join('\n');
}

function recordedText(recorded: RecordedBy | null): string {
  return recorded ? `#${recorded.seq} ${recorded.at} by ${recorded.actor} (${recorded.source})` : '';
}

function json(value: unknown): string {
  return value === null || value === undefined ? '' : JSON.stringify(value);
}

/** Text outside tables: Markdown's own characters escaped. */
function text(value: string): string {
  return value.replace(/([\\`*_[\]<>|#])/g, '\\$1');
}

/** A table cell: one line, pipes escaped. */
function cell(value: string): string {
  return text(value).replace(/\r?\n/g, ' ');
}
