#!/usr/bin/env node
// Benchmarks the built gateway against a bare proxy, both in front of the simulated Northflank
// API on 127.0.0.1. Run it with `npm run bench` (3 rounds of 10 s per scenario and target, a few
// minutes) or `npm run bench -- --quick` (1 round of 3 s, under 2 minutes). It prints a markdown
// table and writes bench/results/latest.md and latest.json. Progress goes to stderr.
//
// Needs wrk, taskset (util-linux) and at least 2 CPUs.

import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkTools, readMemoryKb, stopAll } from './processes.mjs';
import { describeMachine, median, summarizeScenario, writeReport } from './report.mjs';
import { checkUpstreamCalls, runScenario, SCENARIOS } from './scenarios.mjs';
import { measureStartup, startGateway, startProxy, startSimulator } from './services.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const STARTUP_SAMPLES = 5;
const MODES = {
  full: { rounds: 3, durationS: 10, warmupS: 3 },
  quick: { rounds: 1, durationS: 3, warmupS: 1 },
};
const USAGE = 'Usage: npm run bench [-- --quick]';

function parseMode(args) {
  if (args.length === 0) return 'full';
  if (args.length === 1 && args[0] === '--quick') return 'quick';
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  throw new Error(`Invalid arguments ${JSON.stringify(args.join(' '))}. ${USAGE}`);
}

function newestModification(path) {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  const entries = readdirSync(path).map((entry) => newestModification(join(path, entry)));
  return Math.max(stats.mtimeMs, ...entries);
}

/** Runs `npm run build` when dist/main.js is missing or older than a file it is built from. */
function buildIfNeeded() {
  let builtAt = 0;
  try {
    builtAt = statSync(join(ROOT, 'dist/main.js')).mtimeMs;
  } catch {
    // Not built yet.
  }
  const sources = ['src', 'package.json', 'tsconfig.json', 'tsconfig.build.json'];
  if (Math.max(...sources.map((path) => newestModification(join(ROOT, path)))) <= builtAt) return;

  process.stderr.write('Building the gateway (npm run build)\n');
  const build = spawnSync('npm', ['run', 'build'], {
    cwd: ROOT,
    stdio: ['ignore', process.stderr, process.stderr],
  });
  if (build.status !== 0) throw new Error(`npm run build failed with exit code ${build.status}`);
}

async function runScenarios(targets, simulator, settings) {
  const results = {};
  const afterScenarioMb = [];
  let failedChecks = 0;

  for (const scenario of SCENARIOS) {
    const rounds = await runScenario(scenario, targets, simulator, settings);
    const checks = checkUpstreamCalls(scenario, rounds.gateway);
    failedChecks += checks.filter((check) => check.failed).length;
    results[scenario.name] = summarizeScenario(scenario, rounds, checks);
    afterScenarioMb.push(readMemoryKb(targets.gateway.pid, 'VmRSS') / 1024);
  }
  return { results, afterScenarioMb, failedChecks };
}

async function main() {
  const startedAt = new Date().toISOString();
  const mode = parseMode(process.argv.slice(2));
  const settings = MODES[mode];
  const cpus = checkTools();
  buildIfNeeded();

  const simulator = await startSimulator();
  process.stderr.write(
    `Simulator listening on ${simulator.url}. Measuring the gateway's start-up\n`,
  );
  const startupSamples = await measureStartup(simulator.url, STARTUP_SAMPLES);

  const proxy = await startProxy(simulator.url);
  const gateway = await startGateway(simulator.url);
  const startMb = readMemoryKb(gateway.pid, 'VmRSS') / 1024;
  const { results, afterScenarioMb, failedChecks } = await runScenarios(
    { proxy, gateway },
    simulator,
    settings,
  );

  const report = {
    run: { mode, date: startedAt, ...settings },
    machine: describeMachine(cpus),
    startupMs: { median: median(startupSamples), samples: startupSamples },
    gatewayMemory: { startMb, afterScenarioMb, hwmMb: readMemoryKb(gateway.pid, 'VmHWM') / 1024 },
    gatewayLogs: gateway.logs,
    scenarioNames: SCENARIOS.map((scenario) => scenario.name),
    ...results,
  };
  process.stdout.write(writeReport(report));

  if (failedChecks > 0) {
    process.stderr.write(
      `${failedChecks} upstream-call check(s) failed. See the flags in the report.\n`,
    );
    process.exitCode = 1;
  }
}

function stopProcessesOnSignal(signal, exitCode) {
  process.once(signal, () => {
    process.stderr.write(`Received ${signal}. Stopping the benchmark's processes\n`);
    stopAll().finally(() => process.exit(exitCode));
  });
}
stopProcessesOnSignal('SIGINT', 130);
stopProcessesOnSignal('SIGTERM', 143);
process.once('uncaughtException', (error) => {
  process.stderr.write(`Benchmark failed: ${error.stack ?? error}\n`);
  stopAll().finally(() => process.exit(1));
});

try {
  await main();
} catch (error) {
  process.stderr.write(`Benchmark failed: ${error.message}\n`);
  process.exitCode = 1;
} finally {
  await stopAll();
}
