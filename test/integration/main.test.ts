import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/simulator/index.js';

let child: ChildProcess | undefined;
let simulator: Simulator | undefined;

afterEach(async () => {
  if (child !== undefined && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
  await simulator?.close();
  simulator = undefined;
});

interface Output {
  stdout: string;
  stderr: string;
}

/** Starts `src/main.ts` as `npm start` would run the build, collecting what it prints. */
function startMain(env: Record<string, string>): Output {
  const output = { stdout: '', stderr: '' };
  child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    // Only what the test sets, so a token or upstream URL in the developer's shell cannot leak in.
    // FAST_PATH comes along so the run with the fast path off covers this process too.
    env: { PATH: process.env.PATH ?? '', ...fastPathSetting(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    output.stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output.stderr += chunk;
  });
  return output;
}

function fastPathSetting(): Record<string, string> {
  const value = process.env.FAST_PATH;
  return value === undefined ? {} : { FAST_PATH: value };
}

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('Condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('gateway process', () => {
  it('logs one start-up line with its URL and upstream, then exits 0 on SIGTERM', async () => {
    simulator = createSimulator({ hourlyLimit: 0 });
    const upstream = await simulator.listen();
    const output = startMain({ PORT: '0', NORTHFLANK_API_URL: upstream });

    await waitFor(() => output.stdout.includes('listening'));
    const exited = once(child as ChildProcess, 'exit');
    child?.kill('SIGTERM');
    const [code] = await exited;

    const startLine = output.stdout.split('\n').find((line) => line.includes('listening'));
    expect(startLine).toContain('http://127.0.0.1:');
    expect(startLine).toContain(upstream);
    expect(code).toBe(0);
  });

  it('exits 0 on SIGTERM after the reader of its logs has gone', async () => {
    simulator = createSimulator({ hourlyLimit: 0 });
    const upstream = await simulator.listen();
    const output = startMain({ PORT: '0', NORTHFLANK_API_URL: upstream, SHUTDOWN_DRAIN_MS: '0' });

    await waitFor(() => output.stdout.includes('listening'));
    // Shutdown logs into a closed pipe from here on.
    child?.stdout?.destroy();
    const exited = once(child as ChildProcess, 'exit');
    child?.kill('SIGTERM');
    const [code] = await exited;

    expect(code).toBe(0);
  });

  it('exits 1 with one line naming an invalid variable', async () => {
    const output = startMain({ NORTHFLANK_TIMEOUT_MS: 'soon' });

    const [code] = await once(child as ChildProcess, 'exit');

    expect(code).toBe(1);
    expect(output.stderr.trim().split('\n')).toHaveLength(1);
    expect(output.stderr).toContain('NORTHFLANK_TIMEOUT_MS');
  });
});
