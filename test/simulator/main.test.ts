import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';

let child: ChildProcess | undefined;

afterEach(() => {
  if (child !== undefined && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
});

/** Starts `src/simulator/main.ts` in a child process and resolves its first line of output. */
async function startCli(env: Record<string, string>): Promise<string> {
  child = spawn(process.execPath, ['--import', 'tsx', 'src/simulator/main.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  let output = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    output += chunk;
  });
  while (!output.includes('\n')) {
    await once(child.stdout ?? child, 'data');
  }
  return output.split('\n', 1)[0] ?? '';
}

describe('simulator command line', () => {
  it('prints its URL and serves the control routes', async () => {
    const line = await startCli({ PORT: '0', HOST: '127.0.0.1', SIMULATOR_HOURLY_LIMIT: '7' });
    const url = /(http:\/\/127\.0\.0\.1:\d+)$/.exec(line)?.[1];

    const build = await fetch(
      `${url}/v1/projects/demo-project/services/web-app/build/joyous-view-6290`,
      { headers: { authorization: 'Bearer cli-token' } },
    );
    const calls = await fetch(`${url}/__simulator/calls`);

    expect(line).toMatch(/^Northflank API simulator listening on http:\/\/127\.0\.0\.1:\d+$/);
    expect(build.status).toBe(200);
    expect(build.headers.get('x-ratelimit-limit')).toBe('7');
    expect(calls.status).toBe(200);
  });

  it('exits with 0 on SIGTERM', async () => {
    await startCli({ PORT: '0' });
    const exited = once(child as ChildProcess, 'exit');

    child?.kill('SIGTERM');
    const [code] = await exited;

    expect(code).toBe(0);
  });

  it('exits with 1 on an invalid PORT', async () => {
    child = spawn(process.execPath, ['--import', 'tsx', 'src/simulator/main.ts'], {
      env: { ...process.env, PORT: 'eighty' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let errors = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      errors += chunk;
    });

    const [code] = await once(child, 'exit');

    expect(code).toBe(1);
    expect(errors).toContain('Invalid PORT "eighty"');
  });
});
