#!/usr/bin/env node
// Checks the production dependencies against the npm registry's advisory database with
// `npm audit --omit=dev --json`.
//
// Exit codes:
//   0  no high or critical advisory, or SKIPPED because the registry's audit endpoint could not
//      be reached or rejected the request, in which case nothing was checked;
//   1  at least one high or critical advisory, each printed with its fix;
//   2  npm audit failed for a local reason, such as a missing package-lock.json.
//
// Run it with `npm run audit`. It is not part of `npm test`, because it needs the network.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPOSITORY_ROOT = fileURLToPath(new URL('..', import.meta.url));
const AUDIT_ARGS = ['audit', '--omit=dev', '--json'];
const TIMEOUT_MS = 120_000;
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;
const BLOCKING_SEVERITIES = new Set(['high', 'critical']);
const SEVERITY_ORDER = ['info', 'low', 'moderate', 'high', 'critical'];

/**
 * Error codes and messages of a registry that cannot be reached or rejects the audit request:
 * DNS and connection failures, timeouts, TLS failures, HTTP error statuses (E403, E404, E5xx) and
 * npm's ENOAUDIT ("may not support audit requests").
 */
const UNREACHABLE_REGISTRY =
  /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ESOCKETTIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPROTO|ENOAUDIT|E[45]\d\d|ERR_SOCKET_TIMEOUT|CERT_[A-Z_]+|UNABLE_TO_[A-Z_]+|SELF_SIGNED_CERT_IN_CHAIN)\b|timed? ?out|audit endpoint/i;

function main() {
  const run = runNpmAudit();
  if (run.error?.code === 'ETIMEDOUT') {
    return skip(`npm audit did not finish within ${TIMEOUT_MS / 1000} s`);
  }
  if (run.error !== undefined) {
    return fail(`could not start npm: ${run.error.message}`);
  }

  const report = parseJson(run.stdout);
  if (report !== undefined && isAuditReport(report)) return evaluate(report);
  if (report !== undefined && 'error' in report) return handleErrorReport(report, run.stderr);

  const output = `${run.stdout}\n${run.stderr}`.trim();
  if (UNREACHABLE_REGISTRY.test(output)) return skip(firstLine(output));
  return fail(`npm audit exited with status ${run.status} and no audit report:\n${output}`);
}

/** Runs npm audit with the npm that started this script, or the one on PATH. */
function runNpmAudit() {
  const npmCli = process.env.npm_execpath;
  const useRunningNpm = npmCli !== undefined && /\.c?js$/.test(npmCli);
  const command = useRunningNpm ? process.execPath : 'npm';
  const args = useRunningNpm ? [npmCli, ...AUDIT_ARGS] : AUDIT_ARGS;

  return spawnSync(command, args, {
    cwd: REPOSITORY_ROOT,
    encoding: 'utf8',
    timeout: TIMEOUT_MS,
    maxBuffer: MAX_OUTPUT_BYTES,
    // npm is a .cmd script on Windows, which Node starts only through a shell.
    shell: !useRunningNpm && process.platform === 'win32',
  });
}

function parseJson(text) {
  try {
    const value = JSON.parse(text);
    return typeof value === 'object' && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}

function isAuditReport(report) {
  return typeof report.vulnerabilities === 'object' && typeof report.metadata === 'object';
}

/**
 * Sorts an npm error report: an HTTP status from the registry or a network error code means the
 * audit endpoint was not usable (SKIPPED), anything else is a local failure.
 */
function handleErrorReport(report, stderr) {
  const code = report.error?.code ?? report.code;
  const summary = report.error?.summary || report.message || firstLine(stderr);

  if (typeof report.statusCode === 'number') {
    const target = report.method && report.uri ? ` to ${report.method} ${report.uri}` : '';
    return skip(`the registry returned HTTP ${report.statusCode}${target}`);
  }
  if (UNREACHABLE_REGISTRY.test(`${code ?? ''} ${summary ?? ''} ${stderr}`)) {
    return skip([code, summary].filter(Boolean).join(': '));
  }
  return fail(`npm audit failed: ${[code, summary].filter(Boolean).join(': ') || stderr.trim()}`);
}

function evaluate(report) {
  const findings = Object.values(report.vulnerabilities)
    .filter((vulnerability) => BLOCKING_SEVERITIES.has(vulnerability.severity))
    .sort((a, b) => severityRank(b) - severityRank(a) || a.name.localeCompare(b.name));
  const counts = report.metadata.vulnerabilities ?? {};
  const dependencies = report.metadata.dependencies?.prod ?? report.metadata.dependencies?.total;
  const countText = SEVERITY_ORDER.map((severity) => `${severity} ${counts[severity] ?? 0}`).join(
    ', ',
  );

  if (findings.length === 0) {
    console.log(
      `npm audit: no high or critical advisories in ${dependencies ?? 'the'} production dependencies (${countText}).`,
    );
    return 0;
  }

  console.log(
    `npm audit: ${findings.length} production dependencies with high or critical advisories (${countText}):`,
  );
  for (const finding of findings) console.log(describeFinding(finding));
  return 1;
}

function severityRank(vulnerability) {
  return SEVERITY_ORDER.indexOf(vulnerability.severity);
}

function describeFinding(vulnerability) {
  const lines = [`- ${vulnerability.severity} ${vulnerability.name} ${vulnerability.range ?? ''}`];
  for (const cause of vulnerability.via ?? []) {
    lines.push(
      typeof cause === 'string'
        ? `    through the vulnerable dependency ${cause}`
        : `    ${cause.title ?? 'advisory'} ${cause.url ?? ''}`.trimEnd(),
    );
  }
  lines.push(`    fix: ${describeFix(vulnerability.fixAvailable)}`);
  return lines.join('\n');
}

function describeFix(fixAvailable) {
  if (fixAvailable === true) return 'npm audit fix';
  if (fixAvailable === false || fixAvailable === undefined) return 'none available yet';

  const major = fixAvailable.isSemVerMajor ? ', a semver-major change' : '';
  return `upgrade ${fixAvailable.name} to ${fixAvailable.version}${major}`;
}

function firstLine(text) {
  return text.trim().split('\n', 1)[0] ?? '';
}

function skip(reason) {
  console.log(`SKIPPED: ${reason}`);
  return 0;
}

function fail(message) {
  console.error(message);
  return 2;
}

process.exitCode = main();
