// Runs wrk with a script from bench/lua and returns the JSON line that bench/lua/report.lua prints.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readProcessCpuTicks, track } from './processes.mjs';

const LUA_DIRECTORY = fileURLToPath(new URL('./lua/', import.meta.url));
const RESULT_PREFIX = 'BENCH_RESULT ';
/** wrk stops itself after `-d`, so this margin only catches a stuck wrk, which is then killed. */
const EXIT_MARGIN_MS = 15_000;

export const WRK_THREADS = 1;
export const WRK_CONNECTIONS = 50;

/**
 * Runs `wrk -t1 -c50 -d<durationS>s --latency -s <script> <url> -- <scriptArgs>` pinned to CPU
 * `core`, and returns the parsed result line (request count, rate, latencies, socket errors,
 * non-2xx responses and 2xx responses with GraphQL errors) and wrk's CPU time in clock ticks.
 */
export function runWrk({ url, script, scriptArgs, durationS, core }) {
  const args = [
    '-c',
    String(core),
    'wrk',
    `-t${WRK_THREADS}`,
    `-c${WRK_CONNECTIONS}`,
    `-d${durationS}s`,
    '--latency',
    '-s',
    script,
    url,
    '--',
    ...scriptArgs,
  ];
  // report.lua is loaded with dofile() relative to the working directory.
  const child = spawn('taskset', args, { cwd: LUA_DIRECTORY, stdio: ['ignore', 'pipe', 'pipe'] });
  track('wrk', child);

  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });

  // /proc/PID/stat is gone once wrk exits, so its CPU time is the last sample, up to 100 ms short.
  let cpuTicks = 0;
  const sampler = setInterval(() => {
    cpuTicks = readProcessCpuTicks(child.pid) ?? cpuTicks;
  }, 100);

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), durationS * 1000 + EXIT_MARGIN_MS);
    const finish = () => {
      clearTimeout(timer);
      clearInterval(sampler);
    };
    child.once('error', (error) => {
      finish();
      reject(new Error(`Failed to start wrk: ${error.message}`));
    });
    child.once('exit', (code, signal) => {
      finish();
      try {
        resolve({ ...parseResult(stdout, stderr, signal ?? code), cpuTicks });
      } catch (error) {
        reject(error);
      }
    });
  });
}

function parseResult(stdout, stderr, exitStatus) {
  const line = stdout.split('\n').find((entry) => entry.startsWith(RESULT_PREFIX));
  if (exitStatus !== 0 || line === undefined) {
    const output = `${stdout}\n${stderr}`.trim().slice(-1000);
    throw new Error(`wrk failed (exit ${exitStatus}) without a result line:\n${output}`);
  }

  const result = JSON.parse(line.slice(RESULT_PREFIX.length));
  const socketErrors = Object.values(result.socketErrors).reduce((sum, count) => sum + count, 0);
  return {
    requests: result.requests,
    durationS: result.durationUs / 1e6,
    rps: result.requests / (result.durationUs / 1e6),
    p50Ms: result.p50Us / 1000,
    p99Ms: result.p99Us / 1000,
    maxMs: result.maxUs / 1000,
    socketErrors: result.socketErrors,
    failures: socketErrors + result.non2xx + result.graphqlErrors,
    non2xx: result.non2xx,
    graphqlErrors: result.graphqlErrors,
    firstFailure: result.firstFailure,
  };
}

/** Absolute path of a script in bench/lua. */
export function luaScript(name) {
  return `${LUA_DIRECTORY}${name}`;
}
