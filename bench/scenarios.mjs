// The load scenarios, and the warm-up and measured rounds of each on the proxy and the gateway.

import { setTimeout as delay } from 'node:timers/promises';
import {
  cpuLoad,
  readCpuTimes,
  readMemoryKb,
  readProcessCpuTicks,
  sampleRss,
} from './processes.mjs';
import { addLatency, clearFaults, readCalls, resetCalls } from './simulator-control.mjs';
import { luaScript, runWrk } from './wrk.mjs';

/** CPU of the process under test, which runs alone on it. The simulator and wrk share LOAD_CORE. */
export const TEST_CORE = 0;
export const LOAD_CORE = 1;
/** A round is invalid when the load CPU was busier than this, because then it limited the rate. */
export const MAX_LOAD_CORE_BUSY = 0.9;
/** A round is invalid when processes outside the benchmark took more than this of TEST_CORE. */
export const MAX_OTHER_BUSY = 0.1;
/** Time for upstream calls still in flight when wrk stops to reach the simulator's count. */
const SETTLE_MS = 200;

const PROJECT_ID = 'demo-project';
const SERVICE_ID = 'web-app';

/**
 * Each scenario: the Lua mode (see bench/lua/graphql.lua), the build id or id prefix, the
 * simulator's added latency, and the upstream calls per 1000 requests expected of the gateway
 * when the ids are really new (undefined when the cache decides).
 */
export const SCENARIOS = [
  {
    name: 'cold0',
    description: 'a new build on every request, upstream at 0 ms',
    mode: 'fresh',
    latencyMs: 0,
    expectedCallsPer1000: 1000,
  },
  {
    name: 'cold20',
    description: 'a new build on every request, upstream at 20 ms',
    mode: 'fresh',
    latencyMs: 20,
    expectedCallsPer1000: 1000,
  },
  {
    name: 'hot',
    description: 'the same concluded build on every request',
    mode: 'fixed',
    buildId: 'joyous-view-6290',
    latencyMs: 0,
  },
  {
    name: 'running',
    description: 'the same running (BUILDING) build on every request',
    mode: 'fixed',
    buildId: 'busy-beacon-6043',
    latencyMs: 0,
  },
  {
    name: 'aliases10',
    description: '10 new builds per request: 10 aliases, or 10 parallel calls in the proxy',
    mode: 'fresh10',
    latencyMs: 0,
    expectedCallsPer1000: 10_000,
  },
];

/** The order of the targets within a round. */
export const TARGET_NAMES = ['proxy', 'gateway'];
const SCRIPTS = { proxy: 'rest.lua', gateway: 'graphql.lua' };

/** Makes each wrk run use build ids that no earlier run of this process used. */
const runTag = Date.now().toString(36);
let invocation = 0;

function wrkOptions(scenario, targetName, handle, durationS) {
  invocation += 1;
  const buildId = scenario.buildId ?? `${runTag}-${scenario.name}-${targetName}-${invocation}`;
  return {
    url: handle.url,
    script: luaScript(SCRIPTS[targetName]),
    scriptArgs: [scenario.mode, PROJECT_ID, SERVICE_ID, buildId],
    durationS,
    core: LOAD_CORE,
  };
}

/**
 * Runs one scenario: a warm-up on each target, then `settings.rounds` rounds that measure the
 * proxy and the gateway in turn. Returns the measured rounds of each target.
 */
export async function runScenario(scenario, targets, simulator, settings) {
  await clearFaults(simulator.url);
  if (scenario.latencyMs > 0) await addLatency(simulator.url, scenario.latencyMs);

  try {
    for (const name of TARGET_NAMES) {
      await runWrk(wrkOptions(scenario, name, targets[name], settings.warmupS));
    }

    const rounds = { proxy: [], gateway: [] };
    for (let round = 1; round <= settings.rounds; round += 1) {
      for (const name of TARGET_NAMES) {
        process.stderr.write(`${scenario.name}: round ${round} on the ${name}\n`);
        rounds[name].push(await measureRound(scenario, name, targets[name], simulator, settings));
      }
    }
    return rounds;
  } finally {
    await clearFaults(simulator.url);
  }
}

/** Reads the counters of both CPUs and the CPU time of the process under test and the simulator. */
function readCpu(handle, simulator) {
  return {
    test: readCpuTimes(TEST_CORE),
    load: readCpuTimes(LOAD_CORE),
    target: readProcessCpuTicks(handle.pid) ?? 0,
    simulator: readProcessCpuTicks(simulator.pid) ?? 0,
  };
}

async function measureRound(scenario, targetName, handle, simulator, settings) {
  await resetCalls(simulator.url);
  const logsBefore = { ...handle.logs };
  const cpuBefore = readCpu(handle, simulator);
  const stopSampling = sampleRss(handle.pid);

  const load = await runWrk(wrkOptions(scenario, targetName, handle, settings.durationS));

  const peakRssKb = stopSampling();
  const cpuAfter = readCpu(handle, simulator);
  await delay(SETTLE_MS);
  if (handle.exited) {
    throw new Error(`The ${targetName} exited during ${scenario.name}: ${handle.stderrTail}`);
  }
  const calls = await readCalls(simulator.url);
  const testCore = cpuLoad(cpuBefore.test, cpuAfter.test, cpuAfter.target - cpuBefore.target);
  const loadTicks = cpuAfter.simulator - cpuBefore.simulator + load.cpuTicks;
  const loadCore = cpuLoad(cpuBefore.load, cpuAfter.load, loadTicks);

  const round = {
    ...load,
    rssMb: peakRssKb / 1024,
    rssAfterMb: readMemoryKb(handle.pid, 'VmRSS') / 1024,
    upstreamCallsPer1000: load.requests === 0 ? 0 : (calls.count / load.requests) * 1000,
    upstreamMaxInFlight: calls.maxInFlight,
    testCoreBusy: testCore.busy,
    testCoreOthers: testCore.others,
    loadCoreBusy: loadCore.busy,
    loadCoreOthers: loadCore.others,
    warnLogs: handle.logs.warn - logsBefore.warn,
    errorLogs: handle.logs.error - logsBefore.error,
  };
  round.flags = flagRound(round);
  return round;
}

/** Lists the reasons to doubt a round. A flagged round is still reported. */
function flagRound(round) {
  const flags = [];
  const percent = (fraction) => `${(fraction * 100).toFixed(0)}%`;
  if (round.loadCoreBusy > MAX_LOAD_CORE_BUSY) {
    const others = percent(round.loadCoreOthers);
    flags.push(
      `invalid: CPU ${LOAD_CORE} ${percent(round.loadCoreBusy)} busy (${others} by processes outside the benchmark)`,
    );
  }
  if (round.testCoreOthers > MAX_OTHER_BUSY) {
    flags.push(
      `invalid: other processes took ${percent(round.testCoreOthers)} of CPU ${TEST_CORE}, the CPU of the process under test`,
    );
  }
  if (round.failures > 0) {
    const socket = round.failures - round.non2xx - round.graphqlErrors;
    flags.push(
      `errors: ${round.non2xx} non-2xx, ${round.graphqlErrors} GraphQL errors, ${socket} socket errors`,
    );
  }
  if (round.requests === 0) flags.push('errors: no request completed');
  return flags;
}

/**
 * Checks the gateway's upstream calls against the scenario's expectation. Fewer than 95% of the
 * expected calls in a round without failed requests means the cache served them, so the ids were
 * not new and the scenario measured the wrong thing. Such a check fails, and other deviations are
 * only noted.
 */
export function checkUpstreamCalls(scenario, gatewayRounds) {
  const expected = scenario.expectedCallsPer1000;
  if (expected === undefined) return [];

  const checks = [];
  for (const [index, round] of gatewayRounds.entries()) {
    const actual = round.upstreamCallsPer1000;
    if (actual >= expected * 0.95 && actual <= expected * 1.05) continue;

    const message = `round ${index + 1}: ${actual.toFixed(0)} upstream calls per 1000 requests, expected about ${expected}`;
    checks.push({ failed: actual < expected * 0.95 && round.failures === 0, message });
  }
  return checks;
}
