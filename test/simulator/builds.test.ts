import { afterEach, describe, expect, it } from 'vitest';
import {
  BUILD_STATUSES,
  createSimulator,
  DEMO_BUILDS,
  FINAL_STATUSES,
  PROGRESSION_STEP_MS,
  type Simulator,
  type SimulatorOptions,
} from '../../src/simulator/index.js';

const TOKEN = 'builds-test-token';

let simulator: Simulator | undefined;

afterEach(async () => {
  await simulator?.close();
  simulator = undefined;
});

async function start(options: SimulatorOptions = {}): Promise<string> {
  simulator = createSimulator({ hourlyLimit: 0, ...options });
  return simulator.listen();
}

function buildPath(location: { projectId: string; serviceId: string; buildId: string }): string {
  return `/v1/projects/${location.projectId}/services/${location.serviceId}/build/${location.buildId}`;
}

/** A parsed response body: `data` on success, `error` on failure. */
interface ResponseBody {
  data: Record<string, unknown> & { registry?: { uri: string } };
  error: { status: number; message: string; id: string };
}

async function get(baseUrl: string, path: string): Promise<{ status: number; body: ResponseBody }> {
  const response = await fetch(`${baseUrl}${path}`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  return { status: response.status, body: await response.json() };
}

describe('simulator builds', () => {
  it('serves the documented example build', async () => {
    const baseUrl = await start();

    const response = await fetch(`${baseUrl}${buildPath(DEMO_BUILDS.example)}`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const body = (await response.json()) as ResponseBody;

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Object.keys(body)).toEqual(['data']);
    expect(body.data.id).toBe('joyous-view-6290');
    expect(body.data.branch).toBe('main');
    expect(body.data.status).toBe('SUCCESS');
    expect(body.data.sha).toBe('12c15e7ee25fd78f567ebf87f9178b8ad70025b3');
    expect(body.data.concluded).toBe(true);
    expect(body.data.createdAt).toBe('2021-07-28T15:55:38.296Z');
    expect(body.data.success).toBe(true);
    expect(body.data.message).toBe('Image successfully built');
    expect(body.data.buildConcludedAt).toBe(1606237973);
    expect(Object.keys(body.data)).toHaveLength(9);
  });

  it('serves the example build under the team route', async () => {
    const baseUrl = await start();

    const direct = await get(baseUrl, buildPath(DEMO_BUILDS.example));
    const teamPath = `/v1/teams/acme-team${buildPath(DEMO_BUILDS.example).slice('/v1'.length)}`;
    const viaTeam = await get(baseUrl, teamPath);

    expect(viaTeam.status).toBe(200);
    expect(viaTeam.body).toEqual(direct.body);
  });

  it('ignores the query string of a build request', async () => {
    const baseUrl = await start();

    const { status, body } = await get(baseUrl, `${buildPath(DEMO_BUILDS.example)}?fields=all`);

    expect(status).toBe(200);
    expect(body.data.id).toBe(DEMO_BUILDS.example.buildId);
  });

  it('serves one seed build in each documented status', async () => {
    const baseUrl = await start();

    for (const status of BUILD_STATUSES) {
      const location = DEMO_BUILDS.byStatus[status];
      const response = await get(baseUrl, buildPath(location));
      const build = response.body.data;

      expect(response.status, status).toBe(200);
      expect(build.id, status).toBe(location.buildId);
      expect(build.status, status).toBe(status);
      expect(build.sha, status).toMatch(/^[0-9a-f]{40}$/);
      expect(Number.isNaN(Date.parse(String(build.createdAt))), status).toBe(false);
      expect(typeof build.branch, status).toBe('string');
      expect(typeof build.message, status).toBe('string');
      expect(build.concluded, status).toBe(FINAL_STATUSES.has(status));
      expect(build.success, status).toBe(status === 'SUCCESS');
      if (FINAL_STATUSES.has(status)) {
        expect(Number.isInteger(build.buildConcludedAt), status).toBe(true);
      } else {
        expect(build.buildConcludedAt, status).toBeUndefined();
      }
    }
  });

  it('keeps a running seed build in BUILDING', async () => {
    const baseUrl = await start();

    const { body } = await get(baseUrl, buildPath(DEMO_BUILDS.running));

    expect(body.data.status).toBe('BUILDING');
    expect(body.data.concluded).toBe(false);
  });

  it('serves the pull-request build with registry', async () => {
    const baseUrl = await start();

    const { status, body } = await get(baseUrl, buildPath(DEMO_BUILDS.pullRequest));

    expect(status).toBe(200);
    expect(body.data.pullRequestId).toBe(42);
    expect(typeof body.data.registry?.uri).toBe('string');
    expect(body.data.registry?.uri).toContain(DEMO_BUILDS.pullRequest.buildId);
    expect(body.data.status).toBe('SUCCESS');
  });

  it('advances the progressing build on the injected clock', async () => {
    let now = Date.parse('2025-01-01T00:00:00.000Z');
    const startedAt = now;
    const baseUrl = await start({ now: () => now });
    const path = buildPath(DEMO_BUILDS.progressing);
    const seen: unknown[] = [];

    for (let step = 0; step < 6; step += 1) {
      now = startedAt + step * PROGRESSION_STEP_MS + 1;
      const { body } = await get(baseUrl, path);
      seen.push(body.data.status);
      if (body.data.status !== 'SUCCESS') expect(body.data.concluded).toBe(false);
    }

    expect(seen).toEqual(['QUEUED', 'STARTING', 'CLONING', 'BUILDING', 'UPLOADING', 'SUCCESS']);
  });

  it('keeps the progressing build concluded after the last step', async () => {
    let now = Date.parse('2025-01-01T00:00:00.000Z');
    const startedAt = now;
    const baseUrl = await start({ now: () => now });

    now = startedAt + 60 * 60 * 1000;
    const { body } = await get(baseUrl, buildPath(DEMO_BUILDS.progressing));

    expect(body.data.status).toBe('SUCCESS');
    expect(body.data.concluded).toBe(true);
    expect(body.data.success).toBe(true);
    expect(body.data.createdAt).toBe('2025-01-01T00:00:00.000Z');
    expect(body.data.buildConcludedAt).toBe((startedAt + 5 * PROGRESSION_STEP_MS) / 1000);
  });

  it('generates a concluded build for an unknown id', async () => {
    const baseUrl = await start();
    const path = '/v1/projects/some-project/services/some-service/build/load-test-000123';

    const first = await get(baseUrl, path);
    const second = await get(baseUrl, path);

    expect(first.status).toBe(200);
    expect(first.body.data.id).toBe('load-test-000123');
    expect(first.body.data.status).toBe('SUCCESS');
    expect(first.body.data.concluded).toBe(true);
    expect(first.body.data.success).toBe(true);
    expect(first.body.data.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(Number.isInteger(first.body.data.buildConcludedAt)).toBe(true);
    expect(second.body).toEqual(first.body);
  });

  it('generates a different build for each id', async () => {
    const baseUrl = await start();

    const firstBuild = await get(baseUrl, '/v1/projects/p/services/s/build/build-1');
    const secondBuild = await get(baseUrl, '/v1/projects/p/services/s/build/build-2');

    expect(firstBuild.body.data.id).toBe('build-1');
    expect(secondBuild.body.data.id).toBe('build-2');
    expect(firstBuild.body.data.sha).not.toBe(secondBuild.body.data.sha);
  });

  it('reports missing- build ids as not found', async () => {
    const baseUrl = await start();

    const { status, body } = await get(baseUrl, buildPath(DEMO_BUILDS.missing));

    expect(DEMO_BUILDS.missing.buildId.startsWith('missing-')).toBe(true);
    expect(status).toBe(404);
    expect(body.error.status).toBe(404);
    expect(body.error.message).toBe('Build not found');
    expect(typeof body.error.id).toBe('string');
    expect(body.error.id).not.toBe('');
  });

  it.each([
    ['uppercase build id', '/v1/projects/p/services/s/build/Joyous-View', 'Build not found'],
    ['underscore in project id', '/v1/projects/my_project/services/s/build/b', 'Project not found'],
    ['encoded slash in service id', '/v1/projects/p/services/a%2Fb/build/b', 'Service not found'],
    [
      'build id of 101 characters',
      `/v1/projects/p/services/s/build/${'a'.repeat(101)}`,
      'Build not found',
    ],
    ['invalid team id', '/v1/teams/Team!/projects/p/services/s/build/b', 'Team not found'],
  ])('rejects %s with 404', async (_case, path, message) => {
    const baseUrl = await start();

    const { status, body } = await get(baseUrl, path);

    expect(status).toBe(404);
    expect(body.error.status).toBe(404);
    expect(body.error.message).toContain(message);
  });

  it('serves a payload stored with setBuild as-is', async () => {
    const baseUrl = await start();
    const payload = { id: 42, status: ['SUCCESS'], extra: { nested: true } };
    simulator?.setBuild('demo-project', 'web-app', 'joyous-view-6290', payload);

    const { status, body } = await get(baseUrl, buildPath(DEMO_BUILDS.example));

    expect(status).toBe(200);
    expect(body).toEqual({ data: payload });
  });

  it('serves a stored payload for a missing- build id', async () => {
    const baseUrl = await start();
    simulator?.setBuild('p', 's', 'missing-but-set', { id: 'missing-but-set' });

    const { status, body } = await get(baseUrl, '/v1/projects/p/services/s/build/missing-but-set');

    expect(status).toBe(200);
    expect(body.data.id).toBe('missing-but-set');
  });

  it('removes seed and generated builds with deleteBuild', async () => {
    const baseUrl = await start();
    simulator?.deleteBuild('demo-project', 'web-app', 'joyous-view-6290');
    simulator?.deleteBuild('p', 's', 'generated-one');

    const seed = await get(baseUrl, buildPath(DEMO_BUILDS.example));
    const generated = await get(baseUrl, '/v1/projects/p/services/s/build/generated-one');

    expect(seed.status).toBe(404);
    expect(seed.body.error.message).toBe('Build not found');
    expect(generated.status).toBe(404);
  });

  it('serves a build stored again after deleteBuild', async () => {
    const baseUrl = await start();
    simulator?.deleteBuild('p', 's', 'b');
    simulator?.setBuild('p', 's', 'b', { id: 'b' });

    const { status } = await get(baseUrl, '/v1/projects/p/services/s/build/b');

    expect(status).toBe(200);
  });

  it('rejects malformed ids in setBuild', () => {
    simulator = createSimulator();

    expect(() => simulator?.setBuild('Demo', 's', 'b', {})).toThrow(/projectId "Demo"/);
    expect(() => simulator?.deleteBuild('p', 's', 'b/c')).toThrow(/buildId "b\/c"/);
  });
});
