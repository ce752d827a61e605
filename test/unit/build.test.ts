import { describe, expect, it } from 'vitest';
import { BuildShapeError, parseBuild } from '../../src/northflank/build.js';

const KEY = { projectId: 'demo-project', serviceId: 'web-app', buildId: 'joyous-view-6290' };

/** The example response from Northflank's API reference. */
const DOCUMENTED_EXAMPLE = {
  id: 'joyous-view-6290',
  branch: 'main',
  status: 'SUCCESS',
  sha: '12c15e7ee25fd78f567ebf87f9178b8ad70025b3',
  concluded: true,
  createdAt: '2021-07-28T15:55:38.296Z',
  success: true,
  message: 'Image successfully built',
  buildConcludedAt: 1606237973,
};

describe('parseBuild', () => {
  it('reads the documented example field by field', () => {
    const build = parseBuild(DOCUMENTED_EXAMPLE, KEY);

    expect(build.id).toBe('joyous-view-6290');
    expect(build.projectId).toBe('demo-project');
    expect(build.serviceId).toBe('web-app');
    expect(build.branch).toBe('main');
    expect(build.status).toBe('SUCCESS');
    expect(build.sha).toBe('12c15e7ee25fd78f567ebf87f9178b8ad70025b3');
    expect(build.concluded).toBe(true);
    expect(build.createdAt?.toISOString()).toBe('2021-07-28T15:55:38.296Z');
    expect(build.success).toBe(true);
    expect(build.message).toBe('Image successfully built');
    expect(build.buildConcludedAt?.toISOString()).toBe('2020-11-24T17:12:53.000Z');
    expect(build.pullRequestId).toBeNull();
    expect(build.registry).toBeNull();
  });

  it('accepts February 29 of a leap year and a zone offset', () => {
    const build = parseBuild({ id: KEY.buildId, createdAt: '2024-02-29T23:59:59.5+02:00' }, KEY);

    expect(build.createdAt?.toISOString()).toBe('2024-02-29T21:59:59.500Z');
  });

  it('returns null for absent and null optional fields', () => {
    const build = parseBuild({ id: KEY.buildId, branch: null }, KEY);

    expect(build.branch).toBeNull();
    expect(build.status).toBeNull();
    expect(build.createdAt).toBeNull();
    expect(build.buildConcludedAt).toBeNull();
  });

  it('ignores unknown properties', () => {
    expect(() => parseBuild({ ...DOCUMENTED_EXAMPLE, futureField: { a: 1 } }, KEY)).not.toThrow();
  });

  it('reads buildConcludedAt of 1e11 or more as milliseconds', () => {
    const build = parseBuild({ id: KEY.buildId, buildConcludedAt: 1606237973123 }, KEY);

    expect(build.buildConcludedAt?.toISOString()).toBe('2020-11-24T17:12:53.123Z');
  });

  it('reads buildConcludedAt just below 1e11 as seconds', () => {
    const build = parseBuild({ id: KEY.buildId, buildConcludedAt: 99_999_999_999 }, KEY);

    expect(build.buildConcludedAt?.getTime()).toBe(99_999_999_999_000);
  });

  it('keeps pullRequestId past 32 bits as a decimal string', () => {
    const build = parseBuild({ id: KEY.buildId, pullRequestId: 8_589_934_592 }, KEY);

    expect(build.pullRequestId).toBe('8589934592');
  });

  it('reads the registry uri', () => {
    const build = parseBuild({ id: KEY.buildId, registry: { uri: 'registry.example/app:1' } }, KEY);

    expect(build.registry).toEqual({ uri: 'registry.example/app:1' });
  });

  it.each([
    ['data that is not an object', 'not an object'],
    ['data that is an array', [DOCUMENTED_EXAMPLE]],
    ['a missing id', { branch: 'main' }],
    ['an id other than the one asked for', { ...DOCUMENTED_EXAMPLE, id: 'other-build-1' }],
    ['a numeric status', { ...DOCUMENTED_EXAMPLE, status: 3 }],
    ['a string for concluded', { ...DOCUMENTED_EXAMPLE, concluded: 'true' }],
    ['a string for success', { ...DOCUMENTED_EXAMPLE, success: 'yes' }],
    ['a numeric branch', { ...DOCUMENTED_EXAMPLE, branch: 7 }],
    ['an unreadable createdAt', { ...DOCUMENTED_EXAMPLE, createdAt: 'yesterday' }],
    ['a createdAt without a zone', { ...DOCUMENTED_EXAMPLE, createdAt: '2021-07-28T15:55:38' }],
    ['an impossible createdAt', { ...DOCUMENTED_EXAMPLE, createdAt: '2021-13-45T15:55:38Z' }],
    ['a createdAt of February 30', { ...DOCUMENTED_EXAMPLE, createdAt: '2021-02-30T00:00:00Z' }],
    ['a createdAt at hour 24', { ...DOCUMENTED_EXAMPLE, createdAt: '2021-02-03T24:00:00Z' }],
    ['a numeric createdAt', { ...DOCUMENTED_EXAMPLE, createdAt: 1627487738 }],
    ['a string buildConcludedAt', { ...DOCUMENTED_EXAMPLE, buildConcludedAt: '1606237973' }],
    ['a negative buildConcludedAt', { ...DOCUMENTED_EXAMPLE, buildConcludedAt: -1 }],
    ['an unrepresentable buildConcludedAt', { ...DOCUMENTED_EXAMPLE, buildConcludedAt: 1e300 }],
    ['a fractional pullRequestId', { ...DOCUMENTED_EXAMPLE, pullRequestId: 1.5 }],
    ['a string pullRequestId', { ...DOCUMENTED_EXAMPLE, pullRequestId: '12' }],
    ['a pullRequestId past 2^53', { ...DOCUMENTED_EXAMPLE, pullRequestId: 2 ** 60 }],
    ['a registry that is a string', { ...DOCUMENTED_EXAMPLE, registry: 'docker.io' }],
    ['a numeric registry uri', { ...DOCUMENTED_EXAMPLE, registry: { uri: 5 } }],
  ])('rejects %s', (_case, data) => {
    expect(() => parseBuild(data, KEY)).toThrow(BuildShapeError);
  });

  it('names the offending field and the received value', () => {
    expect(() => parseBuild({ ...DOCUMENTED_EXAMPLE, concluded: 'true' }, KEY)).toThrow(
      'expected "concluded" to be a boolean, received "true"',
    );
  });
});
