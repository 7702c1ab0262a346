import type { ReportDataQuality } from './audit-report.quality';

/** The data quality section in Markdown and in HTML (called by audit-report.markdown.ts and audit-report.html.ts). */

const age = (seconds: number | null) => (seconds === null ? '' : `${Math.floor(seconds / 86400)} d ${Math.floor((seconds % 86400) / 3600)} h`);
const ratio = (value: number | null) => (value === null ? '' : `${value > 0 ? '+' : ''}${(value * 100).toFixed(1)} %`);
const num = (value: number | null) => (value === null ? '' : String(value));

function summary(q: ReportDataQuality, asOf: string): string {
  if (q.atRisk)
    return `At risk as of ${asOf}: ${q.offending.length} dataset version${q.offending.length === 1 ? '' : 's'} of its provenance ${q.offending.length === 1 ? 'was' : 'were'} flagged or failed a check (severity ${q.minSeverity} or above).`;
  return `Not at risk as of ${asOf}: no dataset version of its provenance was flagged BAD or SUSPECT or failed a check that counts (severity ${q.minSeverity} or above).`;
}

function rows(q: ReportDataQuality) {
  return {
    offending: q.offending.map((o) => [
      o.datasetVersion,
      o.status,
      o.flag ? `${o.flag.status} ${o.flag.flaggedAt} by ${o.flag.flaggedBy}: ${o.flag.reason}` : '',
      o.failedChecks.map((c) => `${c.check} (${c.severity}, ${c.assertedAt}${c.runId ? `, run ${c.runId}` : ''})`).join('; '),
      o.path.join(' → '),
    ]),
    checked: q.checkedVersions.map((v) => [v.datasetVersion, v.status, String(v.checks), String(v.failed), v.lastCheckedAt ?? '']),
    flags: q.flags.map((f) => [f.flaggedAt, f.datasetVersion, f.status, f.flaggedBy, f.reason]),
    staleness: (q.staleness?.sources ?? []).map((s) => [
      s.dataset,
      s.trainedOn,
      String(s.newerVersions),
      s.newest ?? '',
      age(s.newerBySeconds),
      num(s.trainedOnRowCount),
      num(s.newestRowCount),
      s.rowCountDrift === null ? '' : `${s.rowCountDrift > 0 ? '+' : ''}${s.rowCountDrift} (${ratio(s.rowCountDriftRatio)})`,
    ]),
  };
}

const HEADERS = {
  offending: ['Dataset version', 'Status', 'Flag in force', 'Failed checks', 'Path from the subject'],
  checked: ['Dataset version', 'Status', 'Checks', 'Failed', 'Last checked'],
  flags: ['Flagged', 'Dataset version', 'Status', 'By', 'Reason'],
  staleness: ['Dataset', 'Trained on', 'Newer versions', 'Newest', 'Newer by', 'Rows trained on', 'Rows newest', 'Row-count drift'],
};

export function qualityMarkdown(q: ReportDataQuality, asOf: string, escape: (value: string) => string): string[] {
  const lines: string[] = ['## Data quality', '', escape(summary(q, asOf)), ''];
  const cell = (value: string) => escape(value).replace(/\r?\n/g, ' ');
  const table = (title: string, header: string[], body: string[][]) => {
    lines.push(`### ${title}`, '');
    if (body.length === 0) {
      lines.push('None.', '');
      return;
    }
    lines.push(`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...body.map((row) => `| ${row.map(cell).join(' | ')} |`), '');
  };
  if (q.truncated) lines.push('> The walk of its provenance was cut: versions beyond it were not looked at.', '');
  const r = rows(q);
  table('Offending dataset versions', HEADERS.offending, r.offending);
  table('Checks on its provenance', HEADERS.checked, r.checked);
  table('Flags', HEADERS.flags, r.flags);
  lines.push('### Staleness of its training data', '');
  if (q.staleness) {
    lines.push(
      `Training data created ${q.staleness.trainingDataCreatedAt ?? 'unknown'}, ${age(q.staleness.trainingDataAgeSeconds)} old as of ${asOf}; ${q.staleness.newerVersions} newer version${q.staleness.newerVersions === 1 ? '' : 's'} of its training datasets since.`,
      '',
    );
    if (r.staleness.length > 0)
      lines.push(
        `| ${HEADERS.staleness.join(' | ')} |`,
        `| ${HEADERS.staleness.map(() => '---').join(' | ')} |`,
        ...r.staleness.map((row) => `| ${row.map(cell).join(' | ')} |`),
        '',
      );
  } else lines.push('Unknown: no training run recorded.', '');
  return lines;
}

export function qualityHtml(q: ReportDataQuality, asOf: string, esc: (value: string) => string): string {
  const parts: string[] = ['<section><h2>Data quality</h2>', `<p class="${q.atRisk ? 'warning' : 'ok'}">${esc(summary(q, asOf))}</p>`];
  const table = (caption: string, header: string[], body: string[][]) => {
    parts.push(`<table><caption>${esc(caption)}</caption><thead><tr>${header.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead><tbody>`);
    if (body.length === 0) parts.push(`<tr><td colspan="${header.length}" class="none">None</td></tr>`);
    for (const row of body) parts.push(`<tr>${row.map((value) => `<td>${esc(value)}</td>`).join('')}</tr>`);
    parts.push('</tbody></table>');
  };
  if (q.truncated) parts.push('<p class="warning">The walk of its provenance was cut: versions beyond it were not looked at.</p>');
  const r = rows(q);
  table('Offending dataset versions', HEADERS.offending, r.offending);
  table('Checks on its provenance', HEADERS.checked, r.checked);
  table('Flags', HEADERS.flags, r.flags);
  if (q.staleness) {
    parts.push(
      `<p>Training data created ${esc(q.staleness.trainingDataCreatedAt ?? 'unknown')}, ${esc(age(q.staleness.trainingDataAgeSeconds))} old as of ${esc(asOf)}; ${q.staleness.newerVersions} newer version${q.staleness.newerVersions === 1 ? '' : 's'} of its training datasets since.</p>`,
    );
    table('Staleness of its training data', HEADERS.staleness, r.staleness);
  } else parts.push('<p>Staleness unknown: no training run recorded.</p>');
  parts.push('</section>');
  return parts.join('\n');
}
