import { featureRows } from './audit-report.columns';
import { qualityHtml } from './audit-report.quality.render';
import { shortName, shortVersion } from '../../core/short-label';
import type { AuditReport, RecordedBy } from './audit-report.types';

/**
 * The report as one self-contained HTML page: no script, no external style sheet, font or image, so it opens
 * offline, can be archived as a single file, and prints on A4 or Letter (tables break between rows, headers
 * repeat on each page, long hashes wrap).
 */
export function renderHtml(report: AuditReport): string {
  const { served, provenance } = report;
  const parts: string[] = [];
  const add = (html: string) => parts.push(html);
  const table = (caption: string, header: string[], rows: Array<Array<string | Html>>) => {
    add(`<table><caption>${esc(caption)}</caption><thead><tr>${header.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead><tbody>`);
    if (rows.length === 0) add(`<tr><td colspan="${header.length}" class="none">None</td></tr>`);
    for (const row of rows) add(`<tr>${row.map((value) => `<td>${value instanceof Html ? value.html : esc(value)}</td>`).join('')}</tr>`);
    add('</tbody></table>');
  };

  add(`<header><h1>Audit report</h1><p class="subject">${esc(report.subject.label)}</p><dl>`);
  add(`<dt>Subject</dt><dd>${esc(report.subject.kind)} <code>${esc(report.subject.id)}</code></dd>`);
  add(`<dt>As of</dt><dd>${esc(report.asOf)}</dd>`);
  add(
    `<dt>Audit chain</dt><dd>${report.auditChain ? `record #${report.auditChain.seq}, hash <code>${esc(report.auditChain.hash)}</code>` : 'no records about these entities'}</dd>`,
  );
  add(`<dt>Report SHA-256</dt><dd><code>${esc(report.reportSha256)}</code></dd></dl></header>`);

  add('<section><h2>What is served</h2>');
  if (served.deployment) {
    const d = served.deployment;
    add(
      `<p>Deployment <strong>${esc(d.name)}</strong> in <strong>${esc(d.environment)}</strong>${d.endpoint ? ` at <code>${esc(d.endpoint)}</code>` : ''}, ` +
        `serving <strong>${esc(d.modelVersion)}</strong>, deployed ${esc(d.deployedAt)} by ${esc(d.deployedBy)}; ` +
        `${d.liveAsOf ? `<span class="live">live as of ${esc(report.asOf)}</span>` : `retired ${esc(d.retiredAt ?? '')} by ${esc(d.retiredBy ?? 'unknown')}`}.</p>`,
    );
  }
  const mv = served.modelVersion;
  table(
    'Model version',
    ['Model version', 'Artifact', 'Digest', 'Framework', 'Metrics', 'Trained by run', 'Recorded'],
    [[`${mv.model}@${mv.version}`, code(mv.artifactUri), code(mv.digest), mv.framework ?? '', json(mv.metrics), code(mv.trainingRunId), recorded(mv.recorded)]],
  );
  add('</section>');

  add('<section><h2>Provenance</h2>');
  if (provenance.truncated) add(`<p class="warning">The provenance was cut (${esc(provenance.truncatedReason ?? '')}): the lists below are incomplete.</p>`);
  table(
    'Dataset versions',
    ['Dataset version', 'URI', 'Digest', 'Rows', 'Created', 'Produced by', 'Recorded'],
    provenance.datasetVersions.map((v) => [
      versionLabel(`${v.namespace}/${v.name}@${v.version}`),
      code(v.uri),
      code(v.digest),
      v.rowCount === null ? '' : v.rowCount.toLocaleString('en'),
      v.createdAt,
      v.isSource ? new Html('<span class="source">raw source</span>') : code(v.producedByRunId),
      recorded(v.recorded),
    ]),
  );
  table(
    'Runs',
    ['Run', 'Job', 'State', 'Started', 'Ended', 'Parameters', 'Commit', 'Read', 'Wrote', 'Recorded'],
    provenance.runs.map((r) => [
      code(r.runId),
      r.job ? shortened(r.job, shortName(r.job)) : '',
      r.state ?? '',
      r.startedAt ?? '',
      r.endedAt ?? '',
      json(r.parameters),
      code(r.commitSha),
      labels(r.read),
      labels(r.wrote),
      recorded(r.recorded),
    ]),
  );
  table(
    'Commits',
    ['Commit', 'Repository', 'Branch', 'Author', 'Committed', 'Message', 'Recorded'],
    provenance.commits.map((c) => [code(c.sha), c.repository, c.branch ?? '', c.author ?? '', c.committedAt ?? '', c.message ?? '', recorded(c.recorded)]),
  );
  if (report.features) {
    if (report.features.truncated) add('<p class="warning">A limit cut the column lineage: some source columns may be missing.</p>');
    table('Source columns of the features', ['Feature', 'Source column', 'Masking'], featureRows(report.features));
  }
  add('</section>');

  add(qualityHtml(report.dataQuality, report.asOf, esc));

  add('<section><h2>Deployment history</h2>');
  table(
    'Deployments, in the order they happened',
    ['Deployed', 'Slot', 'Model version', 'Deployed by', 'Retired', 'Retired by', 'Live as of report', 'Recorded'],
    report.deploymentHistory.map((d) => [
      d.deployedAt,
      `${d.name} (${d.environment})`,
      d.modelVersion,
      d.deployedBy,
      d.retiredAt ?? '',
      d.retiredBy ?? '',
      d.liveAsOf ? 'yes' : 'no',
      recorded(d.recorded),
    ]),
  );
  add('</section>');

  add('<section><h2>Audit records</h2>');
  if (report.auditRecordsTruncated)
    add('<p class="warning">More records touch these entities than a report lists; query <code>auditTrail</code> for the rest.</p>');
  table(
    'Records about the entities above, oldest first',
    ['#', 'At', 'Actor', 'Source', 'Operation', 'Changes', 'Hash'],
    report.auditRecords.map((r) => [
      String(r.seq),
      r.at,
      r.actor,
      r.source,
      r.operation,
      list(r.changes.map((c) => `${c.field}: ${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}`)),
      code(r.hash),
    ]),
  );
  add('</section>');

  add('<section><h2>How to verify</h2><ol>');
  add(
    `<li><code>npm run audit -- verify</code> (or the <code>verifyAuditTrail</code> query) must report an intact chain of at least ${report.auditChain?.seq ?? 0} records, ` +
      `and record #${report.auditChain?.seq ?? 0} must still have the hash above.</li>`,
  );
  add(
    '<li>The JSON form of this report, without <code>reportSha256</code>, in canonical JSON (keys sorted), must hash to the report SHA-256 above.</li></ol></section>',
  );

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Audit report: ${esc(report.subject.label)}</title>
<style>${STYLE}</style>
</head>
<body>
${parts.join('\n')}
</body>
</html>
`;
}

/** Markup that is already escaped. */
class Html {
  constructor(readonly html: string) {}
}

const STYLE = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1b1f24; margin: 2rem auto; max-width: 1200px; padding: 0 1.5rem; }
h1 { font-size: 1.6rem; margin: 0; }
h2 { font-size: 1.2rem; border-bottom: 2px solid #d0d7de; padding-bottom: .2rem; margin-top: 2rem; }
.subject { font-size: 1.1rem; margin: .3rem 0 1rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0; }
dt { font-weight: 600; }
dd { margin: 0; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85em; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: .8rem 0 1.2rem; font-size: 12.5px; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
th, td { border: 1px solid #d0d7de; padding: .3rem .45rem; text-align: left; vertical-align: top; overflow-wrap: break-word; }
thead th { background: #f6f8fa; }
tbody tr:nth-child(even) { background: #fbfcfd; }
td.none { color: #57606a; font-style: italic; }
ul { margin: 0; padding-left: 1.1rem; }
.live { color: #116329; font-weight: 600; }
.source { color: #8a4600; font-weight: 600; }
.warning { background: #fff8c5; border: 1px solid #d4a72c; padding: .5rem .7rem; }
.ok { background: #dafbe1; border: 1px solid #4ac26b; padding: .5rem .7rem; }
.full { color: #57606a; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .8em; overflow-wrap: anywhere; }
@media print {
  body { margin: 0; max-width: none; font-size: 11px; }
  h2 { break-after: avoid; }
  table { font-size: 9.5px; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
}
`;

function esc(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function code(value: string | null): Html {
  return new Html(value ? `<code>${esc(value)}</code>` : '');
}

function json(value: unknown): Html {
  return value === null || value === undefined ? new Html('') : code(JSON.stringify(value));
}

function list(items: readonly string[]): Html {
  return new Html(items.length === 0 ? '' : `<ul>${items.map((item) => `<li>${esc(item)}</li>`).join('')}</ul>`);
}

/**
 * A label as a person reads it in a table: long names kept to their end, run-derived versions to 8 characters
 * (src/lineage/common/short-label.ts), with the full value under it, so that the printed page loses nothing.
 */
function shortened(full: string, short: string): Html {
  return new Html(short === full ? esc(full) : `<span title="${esc(full)}">${esc(short)}</span><div class="full">${esc(full)}</div>`);
}

/** `namespace/name@version` shortened: the name to its end, the version after its last `@`. */
function versionLabel(full: string): Html {
  const at = full.lastIndexOf('@');
  return shortened(full, at < 0 ? shortName(full) : `${shortName(full.slice(0, at))}@${shortVersion(full.slice(at + 1))}`);
}

function labels(items: readonly string[]): Html {
  return new Html(items.length === 0 ? '' : `<ul>${items.map((item) => `<li>${versionLabel(item).html}</li>`).join('')}</ul>`);
}

function recorded(by: RecordedBy | null): string {
  return by ? `#${by.seq} ${by.at} by ${by.actor} (${by.source})` : '';
}
