import 'reflect-metadata';
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { renderReport, reportFormat } from '../audit/report/audit-report.render';
import { loadConfig } from '../config';
import { LineageError } from '../errors';
import { createLogger } from '../logger';
import { createServices, type Services } from '../services';
import { packageVersion } from '../paths';
import { openCliDatabase } from './cli-database';

const USAGE = `usage: npm run audit -- verify [--anchors <file>]
       npm run audit -- report <Deployment or ModelVersion id> [--as-of <ISO-8601>] [--format html|md|json] [--out <file>]

  verify    walk the whole audit chain; exit 0 and print the head hash and count when intact,
            exit 3 and name the first record that does not match otherwise; with AUDIT_HMAC_KEY the head's
            signature is checked, and every anchor of --anchors (default AUDIT_ANCHOR_FILE) must be on the chain
  report    write the audit report of a deployment or model version (as of now, or --as-of) to stdout or --out;
            its SHA-256 goes to stderr`;

class UsageError extends Error {}

/** `npm run audit`: verifies the audit trail and produces audit reports from the command line. */
async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if (command !== 'verify' && command !== 'report') throw new UsageError(command ? `unknown command '${command}'` : 'a command is needed');
  // Checked before Neo4j is reached, so that a typo costs nothing.
  const options = command === 'report' ? reportOptions(rest) : null;
  const anchorFile = command === 'verify' ? verifyOptions(rest) : undefined;
  const config = loadConfig();
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn', 'stderr');
  const { db, close } = await openCliDatabase(config, logger);
  try {
    const services = createServices(db, packageVersion(), {
      auditAnchoring: { hmacKey: config.audit.hmacKey, anchorFile: anchorFile ?? config.audit.anchorFile },
    });
    return options ? await report(services, options) : await verify(services);
  } finally {
    await close();
  }
}

function verifyOptions(args: string[]): string | undefined {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { anchors: { type: 'string' } } });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const file = parsed.values.anchors;
  if (file !== undefined && !fs.existsSync(file)) throw new UsageError(`--anchors ${file} does not exist`);
  return file;
}

async function verify(services: Services): Promise<number> {
  const result = await services.audit.verify();
  if (result.intact) {
    const anchoring = [
      result.signed ? 'head signature valid' : null,
      result.anchorsChecked > 0 ? `${result.anchorsChecked} anchors on the chain` : null,
    ].filter(Boolean);
    process.stdout.write(`audit trail intact: ${result.count} records, head ${result.headHash}${anchoring.length > 0 ? ` (${anchoring.join(', ')})` : ''}\n`);
    return 0;
  }
  process.stdout.write(`audit trail BROKEN at record ${result.firstBadSeq}: ${result.reason}\n`);
  return 3;
}

interface ReportOptions {
  subject: string;
  asOf: string | undefined;
  format: ReturnType<typeof reportFormat>;
  out: string | undefined;
}

function reportOptions(args: string[]): ReportOptions {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { 'as-of': { type: 'string' }, format: { type: 'string' }, out: { type: 'string' } } });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (parsed.positionals.length !== 1) throw new UsageError('report takes one Deployment or ModelVersion id');
  const out = parsed.values.out;
  const fromExtension = out && /\.(html|md|json)$/.exec(out)?.[1];
  return {
    subject: parsed.positionals[0]!,
    asOf: parsed.values['as-of'],
    format: reportFormat('--format', parsed.values.format ?? fromExtension ?? 'html'),
    out,
  };
}

async function report(services: Services, options: ReportOptions): Promise<number> {
  const produced = await services.auditReports.report(options.subject, options.asOf);
  const rendered = renderReport(produced, options.format);
  if (options.out) fs.writeFileSync(options.out, rendered.body);
  else process.stdout.write(rendered.body);
  process.stderr.write(
    `report ${produced.subject.label} as of ${produced.asOf}: sha256 ${produced.reportSha256}${options.out ? `, written to ${options.out}` : ''}\n`,
  );
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`audit: ${error.message}\n${USAGE}\n`);
      process.exit(2);
    }
    const known = error instanceof LineageError;
    process.stderr.write(`audit: ${known || !(error instanceof Error) ? String((error as Error).message ?? error) : error.stack}\n`);
    process.exit(1);
  },
);
