import { afterEach, describe, expect, it } from 'vitest';
import {
  createSimulator,
  DEMO_BUILDS,
  RATE_LIMIT_WINDOW_MS,
  type Simulator,
  type SimulatorOptions,
} from '../../src/simulator/index.js';

const { projectId, serviceId, buildId } = DEMO_BUILDS.example;
const BUILD_PATH = `/v1/projects/${projectId}/services/${serviceId}/build/${buildId}`;

let simulator: Simulator | undefined;

afterEach(async () => {
  await simulator?.close();
  simulator = undefined;
});

async function start(options: SimulatorOptions = {}): Promise<string> {
  simulator = createSimulator(options);
  return simulator.listen();
}

async function getBuild(baseUrl: string, authorization?: string): Promise<Response> {
  const headers: Record<string, string> = {};
  if (authorization !== undefined) headers.authorization = authorization;
  return fetch(`${baseUrl}${BUILD_PATH}`, { headers });
}

async function readError(response: Response): Promise<{ status: number; message: string }> {
  const body = (await response.json()) as { error: { status: number; message: string } };
  return body.error;
}

describe('simulator authentication', () => {
  it('rejects a request without Authorization header', async () => {
    const baseUrl = await start();

    const response = await getBuild(baseUrl);
    const error = await readError(response);

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/Missing Authorization header/);
  });

  it.each([
    ['Basic dXNlcjpwYXNz'],
    ['Bearer'],
    ['Bearer '],
    ['Bearer two tokens'],
    ['token-without-scheme'],
  ])('rejects the malformed header %j', async (authorization) => {
    const baseUrl = await start();

    const response = await getBuild(baseUrl, authorization);
    const error = await readError(response);

    expect(response.status).toBe(401);
    expect(error.message).toMatch(/Invalid Authorization header/);
  });

  it('accepts any bearer token when tokens is unset', async () => {
    const baseUrl = await start();

    const upper = await getBuild(baseUrl, 'Bearer any-token');
    const lower = await getBuild(baseUrl, 'bearer eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl');

    expect(upper.status).toBe(200);
    expect(lower.status).toBe(200);
  });

  it('rejects a token that is not in tokens', async () => {
    const baseUrl = await start({ tokens: ['good-token'] });

    const rejected = await getBuild(baseUrl, 'Bearer other-token');
    const error = await readError(rejected);
    const accepted = await getBuild(baseUrl, 'Bearer good-token');

    expect(rejected.status).toBe(401);
    expect(error.message).toMatch(/Invalid API token/);
    expect(error.message).not.toContain('other-token');
    expect(accepted.status).toBe(200);
  });

  it('rejects invalid options when created', () => {
    expect(() => createSimulator({ hourlyLimit: -1 })).toThrow(/hourlyLimit -1/);
    expect(() => createSimulator({ hourlyLimit: 1.5 })).toThrow(/hourlyLimit 1.5/);
    expect(() => createSimulator({ tokens: ['ok', ''] })).toThrow(/tokens\[1\]/);
  });
});

describe('simulator rate limit', () => {
  it('sends rate-limit headers on every build response', async () => {
    const now = Date.parse('2025-01-01T00:00:00.000Z');
    const baseUrl = await start({ now: () => now, hourlyLimit: 5 });

    const first = await getBuild(baseUrl, 'Bearer token-a');
    const second = await getBuild(baseUrl, 'Bearer token-a');

    expect(first.headers.get('x-ratelimit-limit')).toBe('5');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('4');
    expect(first.headers.get('x-ratelimit-reset')).toBe('3600');
    expect(second.headers.get('x-ratelimit-remaining')).toBe('3');
  });

  it('counts the reset from the first request of the window', async () => {
    let now = Date.parse('2025-01-01T00:00:00.000Z');
    const baseUrl = await start({ now: () => now, hourlyLimit: 5 });

    await getBuild(baseUrl, 'Bearer token-a');
    now += 90_500;
    const later = await getBuild(baseUrl, 'Bearer token-a');

    expect(later.headers.get('x-ratelimit-reset')).toBe('3510');
  });

  it('rejects requests past the limit with 429 and Retry-After', async () => {
    let now = Date.parse('2025-01-01T00:00:00.000Z');
    const baseUrl = await start({ now: () => now, hourlyLimit: 2 });

    await getBuild(baseUrl, 'Bearer token-a');
    await getBuild(baseUrl, 'Bearer token-a');
    now += 600_000;
    const rejected = await getBuild(baseUrl, 'Bearer token-a');
    const error = await readError(rejected);

    expect(rejected.status).toBe(429);
    expect(rejected.headers.get('retry-after')).toBe('3000');
    expect(rejected.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(rejected.headers.get('x-ratelimit-reset')).toBe('3000');
    expect(error.status).toBe(429);
    expect(error.message).toMatch(/Rate limit exceeded/);
  });

  it('keeps a separate window for each token', async () => {
    const now = Date.parse('2025-01-01T00:00:00.000Z');
    const baseUrl = await start({ now: () => now, hourlyLimit: 1 });

    await getBuild(baseUrl, 'Bearer token-a');
    const otherToken = await getBuild(baseUrl, 'Bearer token-b');

    expect(otherToken.status).toBe(200);
    expect(otherToken.headers.get('x-ratelimit-remaining')).toBe('0');
  });

  it('opens a new window once the hour has passed', async () => {
    let now = Date.parse('2025-01-01T00:00:00.000Z');
    const baseUrl = await start({ now: () => now, hourlyLimit: 1 });

    await getBuild(baseUrl, 'Bearer token-a');
    const limited = await getBuild(baseUrl, 'Bearer token-a');
    now += RATE_LIMIT_WINDOW_MS;
    const renewed = await getBuild(baseUrl, 'Bearer token-a');

    expect(limited.status).toBe(429);
    expect(renewed.status).toBe(200);
    expect(renewed.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(renewed.headers.get('x-ratelimit-reset')).toBe('3600');
  });

  it('applies the default limit of 1000', async () => {
    const baseUrl = await start();

    const response = await getBuild(baseUrl, 'Bearer token-a');

    expect(response.headers.get('x-ratelimit-limit')).toBe('1000');
    expect(response.headers.get('x-ratelimit-remaining')).toBe('999');
  });

  it('omits the headers when hourlyLimit is 0', async () => {
    const baseUrl = await start({ hourlyLimit: 0 });

    const response = await getBuild(baseUrl, 'Bearer token-a');

    expect(response.status).toBe(200);
    expect(response.headers.get('x-ratelimit-limit')).toBeNull();
    expect(response.headers.get('x-ratelimit-remaining')).toBeNull();
    expect(response.headers.get('x-ratelimit-reset')).toBeNull();
  });

  it('does not count unauthenticated requests', async () => {
    const now = Date.parse('2025-01-01T00:00:00.000Z');
    const baseUrl = await start({ now: () => now, hourlyLimit: 1, tokens: ['token-a'] });

    await getBuild(baseUrl, 'Bearer token-wrong');
    const response = await getBuild(baseUrl, 'Bearer token-a');

    expect(response.status).toBe(200);
  });
});
