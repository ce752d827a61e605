// Starting, pinning, measuring and stopping the processes of a benchmark run. Every process goes
// through `startPinned`, which records it, so `stopAll` can end them all on any exit path.

import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const READY_TIMEOUT_MS = 15_000;
/** The gateway's default SHUTDOWN_GRACE_MS is 10 s, so a clean stop may take that long. */
const STOP_TIMEOUT_MS = 12_000;
const MAX_LOG_SAMPLES = 5;

/** Processes started and not yet exited. */
const running = new Set();

/**
 * Starts `command` pinned to CPU `core` with taskset, and resolves once a line of its stdout
 * matches `readyPattern`. The handle keeps that match as `readyMatch` and its first group as
 * `url`, and counts the process's pino log lines at warn level or above in `logs`.
 */
export function startPinned({ name, core, command, args, env, readyPattern }) {
  const child = spawn('taskset', ['-c', String(core), command, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return waitUntilReady(track(name, child), child, readyPattern);
}

/** Records a child process so that `stopAll` stops it, and returns its handle. */
export function track(name, child) {
  const handle = {
    name,
    // taskset execs the command, so this is also the pid of the process under test.
    pid: child.pid,
    url: undefined,
    exited: false,
    stderrTail: '',
    logs: { warn: 0, error: 0, kinds: {}, samples: [] },
    stop: () => stopProcess(child, handle),
  };
  const forget = () => {
    handle.exited = true;
    running.delete(handle);
  };
  running.add(handle);
  child.once('exit', forget);
  // A command that cannot be spawned emits 'error' and never 'exit'.
  child.once('error', forget);
  child.stderr.on('data', (chunk) => {
    handle.stderrTail = (handle.stderrTail + chunk).slice(-2000);
  });
  return handle;
}

function waitUntilReady(handle, child, readyPattern) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${handle.name} did not start within ${READY_TIMEOUT_MS} ms`));
    }, READY_TIMEOUT_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`Failed to start ${handle.name}: ${error.message}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const stderr = handle.stderrTail.trim() || '(no stderr)';
      reject(new Error(`${handle.name} exited (${signal ?? code}) before it was ready: ${stderr}`));
    });

    createInterface({ input: child.stdout }).on('line', (line) => {
      countLogLine(handle.logs, line);
      if (handle.url !== undefined) return;

      const match = readyPattern.exec(line);
      if (!match) return;
      handle.url = match[1];
      handle.readyMatch = match;
      clearTimeout(timer);
      resolve(handle);
    });
  });
}

/**
 * Counts a pino line by level (40 is warn, 50 and above error) and by message, code and reason.
 * Other lines are ignored.
 */
function countLogLine(logs, line) {
  if (!line.startsWith('{')) return;
  let entry;
  try {
    entry = JSON.parse(line);
  } catch {
    return;
  }
  if (typeof entry.level !== 'number' || entry.level < 40) return;

  logs[entry.level >= 50 ? 'error' : 'warn'] += 1;
  const kind = `${entry.msg} (${entry.code ?? 'no code'}: ${entry.reason ?? 'no reason'})`;
  logs.kinds[kind] = (logs.kinds[kind] ?? 0) + 1;
  if (logs.samples.length < MAX_LOG_SAMPLES) logs.samples.push(line.slice(0, 500));
}

async function stopProcess(child, handle) {
  if (handle.exited) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');

  let timer;
  const timedOut = new Promise((resolve) => {
    timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS);
  });
  if ((await Promise.race([exited, timedOut])) === 'timeout') {
    process.stderr.write(
      `${handle.name} did not exit within ${STOP_TIMEOUT_MS} ms of SIGTERM, so it gets SIGKILL\n`,
    );
    child.kill('SIGKILL');
    await exited;
  }
  clearTimeout(timer);
}

/** Stops every process still running, in parallel. */
export async function stopAll() {
  await Promise.all([...running].map((handle) => handle.stop()));
}

/** Reads a `Vm*` field of /proc/PID/status, in kB. */
export function readMemoryKb(pid, field) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  if (!match) throw new Error(`No ${field} in /proc/${pid}/status`);
  return Number(match[1]);
}

/**
 * Samples VmRSS of `pid` every `intervalMs`. The returned function stops sampling and returns
 * the maximum in kB. A peak shorter than the interval can be missed.
 */
export function sampleRss(pid, intervalMs = 100) {
  let maxKb = readMemoryKb(pid, 'VmRSS');
  const sample = () => {
    try {
      maxKb = Math.max(maxKb, readMemoryKb(pid, 'VmRSS'));
    } catch {
      // The process has exited; the caller finds out from its handle.
    }
  };
  const timer = setInterval(sample, intervalMs);
  return () => {
    clearInterval(timer);
    sample();
    return maxKb;
  };
}

/** Reads the jiffies counters of one CPU from /proc/stat. */
export function readCpuTimes(core) {
  const line = readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith(`cpu${core} `));
  if (line === undefined) throw new Error(`No line for cpu${core} in /proc/stat`);

  const [user, nice, system, idle, iowait, irq, softirq, steal] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return {
    busy: user + nice + system + irq + softirq + steal,
    interrupts: irq + softirq,
    idle: idle + iowait,
  };
}

/**
 * Reads the CPU time of a process, user plus system, in the same clock ticks as /proc/stat.
 * Returns undefined once the process is gone.
 */
export function readProcessCpuTicks(pid) {
  let stat;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Fields 14 and 15 (utime, stime) follow the command name, which may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/**
 * Fractions of time, from 0 to 1, that a CPU was busy between two `readCpuTimes` readings: in
 * all, and for others, which leaves out `ownTicks` (CPU time of the processes pinned to it) and
 * interrupt time. Interrupt time counts as the benchmark's own because it is mostly the kernel's
 * loopback network work for its requests, which /proc/PID/stat does not charge to a process.
 */
export function cpuLoad(before, after, ownTicks) {
  const busy = after.busy - before.busy;
  const total = busy + (after.idle - before.idle);
  if (total === 0) return { busy: 0, others: 0 };

  const interrupts = after.interrupts - before.interrupts;
  return { busy: busy / total, others: Math.max(0, busy - interrupts - ownTicks) / total };
}

/** Throws unless taskset and wrk are on PATH and the machine has the two CPUs the run pins to. */
export function checkTools() {
  for (const [tool, hint] of [
    ['taskset', 'Install util-linux.'],
    ['wrk', 'Install it with `apt-get install -y --no-install-recommends wrk`.'],
  ]) {
    const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
    if (found.status !== 0) throw new Error(`${tool} not found on PATH. ${hint}`);
  }

  const cpus = Number(spawnSync('nproc', { encoding: 'utf8' }).stdout.trim());
  if (!(cpus >= 2)) {
    throw new Error(`The benchmark pins to CPUs 0 and 1, but nproc reports ${cpus} CPU(s).`);
  }
  return cpus;
}
