import { BadInputError } from '../../errors';
import { renderHtml } from './audit-report.html';
import { renderMarkdown } from './audit-report.markdown';
import { REPORT_FORMATS, type AuditReport, type ReportFormat } from './audit-report.types';

export interface RenderedReport {
  body: string;
  contentType: string;
  /** File extension, for downloads and the CLI's output file. */
  extension: string;
}

export function reportFormat(field: string, value: string | null | undefined): ReportFormat {
  const format = (value ?? 'html').toLowerCase();
  const known = format === 'markdown' ? 'md' : format;
  if (!(REPORT_FORMATS as readonly string[]).includes(known)) throw new BadInputError(field, `must be one of ${REPORT_FORMATS.join(', ')}, got ${value}`);
  return known as ReportFormat;
}

/** One report in one format; the JSON is the report itself, indented, with a final newline. */
export function renderReport(report: AuditReport, format: ReportFormat): RenderedReport {
  switch (format) {
    case 'json':
      return { body: `${JSON.stringify(report, null, 2)}\n`, contentType: 'application/json; charset=utf-8', extension: 'json' };
    case 'md':
      return { body: renderMarkdown(report), contentType: 'text/markdown; charset=utf-8', extension: 'md' };
    case 'html':
      return { body: renderHtml(report), contentType: 'text/html; charset=utf-8', extension: 'html' };
  }
}
