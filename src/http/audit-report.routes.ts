import type { FastifyInstance } from 'fastify';
import { renderReport, reportFormat } from '../audit/report/audit-report.render';
import type { Services } from '../services';

/**
 * Audit reports over HTTP, for a browser, a link in the explorer, or curl:
 * `GET /reports/audit/<Deployment or ModelVersion id>[.html|.md|.json][?asOf=<ISO-8601>]` (HTML by default, or
 * `?format=`). Readers may fetch them (see src/auth/access-policy.ts). The report's digest is also in the
 * `x-report-sha256` header, so a client can check what it saved.
 */
export function registerAuditReportRoutes(app: FastifyInstance, services: Services): void {
  app.get<{ Params: { subject: string }; Querystring: { asOf?: string; format?: string } }>('/reports/audit/:subject', async (request, reply) => {
    const match = /^(.*?)(?:\.(html|md|json))?$/.exec(request.params.subject)!;
    const subject = match[1]!;
    const format = reportFormat('format', match[2] ?? request.query.format);
    const report = await services.auditReports.report(subject, request.query.asOf);
    const rendered = renderReport(report, format);
    return reply.header('content-type', rendered.contentType).header('x-report-sha256', report.reportSha256).send(rendered.body);
  });
}
