// Medians over rounds, and the markdown and JSON reports of a run.

import { readFileSync, writeFileSync } from 'node:fs';
import { release } from 'node:os';
import { fileURLToPath } from 'node:url';
import { LOAD_CORE, MAX_LOAD_CORE_BUSY, MAX_OTHER_BUSY, TEST_CORE } from './scenarios.mjs';
import { WRK_CONNECTIONS, WRK_THREADS } from './wrk.mjs';

const RESULTS_DIRECTORY = fileURLToPath(new URL('./results/', import.meta.url));
const FIGURES = ['rps', 'p50Ms', 'p99Ms', 'rssMb'];

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function medians(rounds) {
  const figures = {};
  for (const name of [...FIGURES, 'upstreamCallsPer1000']) {
    figures[name] = median(rounds.map((round) => round[name]));
  }
  return figures;
}

/** Reduces a scenario's rounds to medians, with the gateway's ratios to the proxy's medians. */
export function summarizeScenario(scenario, rounds, checks) {
  const gateway = medians(rounds.gateway);
  const proxy = medians(rounds.proxy);
  const ratioToProxy = {};
  for (const name of FIGURES) ratioToProxy[name] = gateway[name] / proxy[name];

  const flags = [];
  for (const target of ['proxy', 'gateway']) {
    for (const [index, round] of rounds[target].entries()) {
      for (const flag of round.flags) flags.push(`${target} round ${index + 1}: ${flag}`);
    }
  }
  for (const check of checks) {
    flags.push(`${check.failed ? 'check failed' : 'note'}: ${check.message}`);
  }

  return { description: scenario.description, ...gateway, ratioToProxy, proxy, flags, rounds };
}

/** Describes the machine from nproc, /proc/cpuinfo and the running Node.js. */
export function describeMachine(cpus) {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown';
  return { nproc: cpus, cpuModel: model, node: process.version, kernel: release() };
}

function fixed(value, digits) {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

function pair(summary, name, digits) {
  const gateway = summary[name];
  const proxy = summary.proxy[name];
  return `${fixed(gateway, digits)} / ${fixed(proxy, digits)} (${fixed(summary.ratioToProxy[name], 2)})`;
}

function callsCell(summary) {
  const digits = (value) => (value < 10 ? 1 : 0);
  const gateway = summary.upstreamCallsPer1000;
  const proxy = summary.proxy.upstreamCallsPer1000;
  return `${fixed(gateway, digits(gateway))} / ${fixed(proxy, digits(proxy))}`;
}

function renderTable(report) {
  const lines = [
    '| Scenario | Requests/s | p50 ms | p99 ms | Peak RSS MB | Upstream calls per 1000 requests | Flags |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const name of report.scenarioNames) {
    const summary = report[name];
    const flagged = summary.flags.length === 0 ? 'none' : `${summary.flags.length}, see below`;
    lines.push(
      `| ${name} | ${pair(summary, 'rps', 0)} | ${pair(summary, 'p50Ms', 2)} | ${pair(summary, 'p99Ms', 2)} | ${pair(summary, 'rssMb', 1)} | ${callsCell(summary)} | ${flagged} |`,
    );
  }
  return lines;
}

function renderNotes(report) {
  const { run, machine } = report;
  const notes = [
    '',
    `Start-up of \`node dist/main.js\` until \`/healthz\` returns 200: median ${fixed(report.startupMs.median, 0)} ms of ${report.startupMs.samples.length} starts (${report.startupMs.samples.map((ms) => fixed(ms, 0)).join(', ')}).`,
    '',
    'Scenarios:',
    ...report.scenarioNames.map((name) => `- \`${name}\`: ${report[name].description}.`),
  ];

  const flags = report.scenarioNames.flatMap((name) =>
    report[name].flags.map((f) => `- ${name}, ${f}`),
  );
  if (flags.length > 0) notes.push('', 'Flags:', ...flags);

  const memory = report.gatewayMemory;
  notes.push(
    '',
    `Gateway memory: VmRSS ${fixed(memory.startMb, 1)} MB after start, ${memory.afterScenarioMb.map((mb) => fixed(mb, 1)).join(', ')} MB after each scenario, VmHWM ${fixed(memory.hwmMb, 1)} MB at the end. Gateway log lines at warn: ${report.gatewayLogs.warn}, at error: ${report.gatewayLogs.error}.`,
    ...logKinds(report.gatewayLogs.kinds),
    '',
    'How it was measured:',
    `- ${run.mode} run started at ${run.date}: ${run.rounds} round(s) of ${run.durationS} s per target after a ${run.warmupS} s warm-up, the proxy and the gateway in turn. Figures are medians over rounds.`,
    `- Machine: ${machine.cpuModel}, nproc ${machine.nproc}, Node.js ${machine.node}, Linux ${machine.kernel}.`,
    `- Load: \`wrk -t${WRK_THREADS} -c${WRK_CONNECTIONS} --latency\` with the scripts in bench/lua. The process under test runs alone on CPU ${TEST_CORE}; the simulator and wrk share CPU ${LOAD_CORE} (taskset). A round is flagged invalid when CPU ${LOAD_CORE} was over ${MAX_LOAD_CORE_BUSY * 100}% busy, because then the load side may have limited the rate, or when processes outside the benchmark took over ${MAX_OTHER_BUSY * 100}% of CPU ${TEST_CORE}. The share of other processes comes from /proc/stat less the CPU time in /proc/PID/stat of the benchmark's processes and less interrupt time.`,
    '- Each cell is gateway / proxy (gateway divided by proxy). The proxy (bench/bare-proxy.mjs) forwards each request with undici over the same 32-connection keep-alive pool that the gateway uses by default, and does nothing else.',
    '- Peak RSS is the maximum of VmRSS sampled every 100 ms during the round, from /proc/PID/status. Upstream calls are counted by the simulator during the round.',
    '- Any non-2xx response, socket error or 2xx response with GraphQL errors is counted, and flags the round.',
  );
  return notes;
}

function logKinds(kinds) {
  const entries = Object.entries(kinds);
  if (entries.length === 0) return [];
  return [
    '',
    'Gateway log lines at warn or above, by message (code: reason):',
    ...entries.map(([kind, count]) => `- ${count} × ${kind}`),
  ];
}

/** Renders the report as markdown: a title, the table and the notes. */
export function renderMarkdown(report) {
  return [
    `# Benchmark: gateway against a bare proxy (${report.run.mode} run)`,
    '',
    ...renderTable(report),
    ...renderNotes(report),
    '',
  ].join('\n');
}

/** Writes bench/results/latest.md and latest.json and returns the markdown. */
export function writeReport(report) {
  const markdown = renderMarkdown(report);
  writeFileSync(`${RESULTS_DIRECTORY}latest.md`, markdown);
  writeFileSync(`${RESULTS_DIRECTORY}latest.json`, `${JSON.stringify(report, null, 2)}\n`);
  return markdown;
}
