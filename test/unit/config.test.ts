import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, readBoolean } from '../../src/config.js';

describe('loadConfig', () => {
  it('rejects AUTH_MODE=server without a server token', () => {
    expect(() => loadConfig({ AUTH_MODE: 'server' })).toThrowError('NORTHFLANK_API_TOKEN');
  });

  it('applies the documented defaults', () => {
    const config = loadConfig({});

    expect(config.port).toBe(4000);
    expect(config.host).toBe('127.0.0.1');
    expect(config.northflankApiUrl).toBe('https://api.northflank.com');
    expect(config.northflankApiToken).toBeUndefined();
    expect(config.northflankTeamId).toBeUndefined();
    expect(config.northflankTimeoutMs).toBe(5000);
    expect(config.shutdownGraceMs).toBe(10_000);
    expect(config.corsOrigins).toEqual([]);
  });

  it('applies the documented resilience and security defaults', () => {
    expect(loadConfig({})).toMatchObject({
      shutdownDrainMs: 1000,
      requestTimeoutMs: 15_000,
      northflankRetries: 2,
      northflankRetryBaseMs: 100,
      northflankMaxConnections: 32,
      northflankMaxQueue: 256,
      northflankMaxResponseBytes: 1_048_576,
      breakerThreshold: 5,
      breakerCooldownMs: 10_000,
      cacheTtlMs: 300_000,
      runningCacheTtlMs: 1000,
      notFoundCacheTtlMs: 30_000,
      cacheMaxEntries: 10_000,
      rateLimitReserve: 50,
      lowBudgetRunningTtlMs: 10_000,
      production: false,
      graphiql: true,
      introspection: true,
      authMode: 'forward-or-server',
      maxDepth: 6,
      maxAliases: 15,
      maxTokens: 1000,
      maxDirectives: 50,
      maxCost: 5000,
      maxBodyBytes: 102_400,
      keepAliveTimeoutMs: 65_000,
      clientRateLimitPerMinute: 600,
      maxInflightOperations: 1000,
      trustProxy: false,
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      NORTHFLANK_API_URL: 'http://127.0.0.1:4010',
      NORTHFLANK_API_TOKEN: 'abc.def-123',
      NORTHFLANK_TEAM_ID: 'my-team',
      NORTHFLANK_TIMEOUT_MS: '2500',
      SHUTDOWN_GRACE_MS: '0',
      CORS_ORIGINS: 'https://app.example.com, http://localhost:3000',
      LOG_LEVEL: 'debug',
    });

    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      northflankApiUrl: 'http://127.0.0.1:4010',
      northflankApiToken: 'abc.def-123',
      northflankTeamId: 'my-team',
      northflankTimeoutMs: 2500,
      shutdownGraceMs: 0,
      corsOrigins: ['https://app.example.com', 'http://localhost:3000'],
      logLevel: 'debug',
    });
  });

  it('allows only loopback Host names while listening on loopback', () => {
    expect(loadConfig({}).allowedHosts).toEqual(['localhost', '127.0.0.1', '[::1]']);
  });

  it('allows any Host while listening on all interfaces', () => {
    expect(loadConfig({ HOST: '0.0.0.0' }).allowedHosts).toBeUndefined();
  });

  it('reads ALLOWED_HOSTS, with * for any', () => {
    expect(loadConfig({ ALLOWED_HOSTS: 'A.example.com, b.example.com:8443' }).allowedHosts).toEqual(
      ['a.example.com', 'b.example.com:8443'],
    );
    expect(loadConfig({ ALLOWED_HOSTS: '*' }).allowedHosts).toBeUndefined();
  });

  it.each(['https://x.com', 'X.com,*', 'a b', 'host:port'])('rejects ALLOWED_HOSTS=%j', (value) => {
    expect(() => loadConfig({ ALLOWED_HOSTS: value })).toThrowError('ALLOWED_HOSTS');
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig({ NORTHFLANK_API_TOKEN: '' }).northflankApiToken).toBeUndefined();
  });

  it.each([
    ['PORT', 'http'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['NORTHFLANK_TIMEOUT_MS', '0'],
    ['NORTHFLANK_TIMEOUT_MS', '1.5'],
    ['SHUTDOWN_GRACE_MS', 'ten'],
    ['NORTHFLANK_TEAM_ID', '../admin'],
    ['NORTHFLANK_API_URL', 'not a url'],
    ['NORTHFLANK_API_URL', 'http://api.northflank.com'],
    ['NORTHFLANK_API_URL', 'https://user:secret@api.northflank.com'],
    ['NORTHFLANK_API_URL', 'https://api.northflank.com/v1'],
    ['NORTHFLANK_API_URL', 'https://api.northflank.com/?x=1'],
    ['NORTHFLANK_API_URL', 'ftp://127.0.0.1'],
    ['CORS_ORIGINS', 'app.example.com'],
    ['CORS_ORIGINS', 'https://app.example.com/path'],
    ['LOG_LEVEL', 'verbose'],
  ])('rejects %s=%j with a message naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrowError(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrowError(name);
  });

  it('accepts plain http on loopback hosts only', () => {
    expect(loadConfig({ NORTHFLANK_API_URL: 'http://localhost:4010' }).northflankApiUrl).toBe(
      'http://localhost:4010',
    );
    expect(loadConfig({ NORTHFLANK_API_URL: 'http://[::1]:4010' }).northflankApiUrl).toBe(
      'http://[::1]:4010',
    );
  });

  it.each([
    ['https://user:pw@api.northflank.com', 'credentials'],
    ['https://api.northflank.com/v1', 'the path "/v1"'],
    ['https://api.northflank.com/?x=1', 'a query'],
    ['http://api.northflank.com', 'loopback'],
  ])('names what is wrong with NORTHFLANK_API_URL=%s', (value, problem) => {
    expect(() => loadConfig({ NORTHFLANK_API_URL: value })).toThrowError(problem);
  });

  it('keeps the password of an unparsable URL out of the message', () => {
    expect(() =>
      loadConfig({ NORTHFLANK_API_URL: 'https://user:hunter2@exa mple.com' }),
    ).toThrowError(expect.objectContaining({ message: expect.not.stringContaining('hunter2') }));
  });

  it('keeps the password of a rejected URL out of the message', () => {
    expect(() =>
      loadConfig({ NORTHFLANK_API_URL: 'https://user:hunter2@example.com' }),
    ).toThrowError(expect.objectContaining({ message: expect.not.stringContaining('hunter2') }));
  });

  it('keeps a rejected token out of the message', () => {
    expect(() => loadConfig({ NORTHFLANK_API_TOKEN: 'secret with spaces' })).toThrowError(
      expect.objectContaining({ message: expect.not.stringContaining('secret') }),
    );
  });
});

describe('readBoolean', () => {
  it.each([
    ['true', true],
    ['1', true],
    ['false', false],
    ['0', false],
  ])('reads %s', (raw, expected) => {
    expect(readBoolean({ FLAG: raw }, 'FLAG', !expected)).toBe(expected);
  });

  it('rejects yes', () => {
    expect(() => readBoolean({ FLAG: 'yes' }, 'FLAG', true)).toThrowError(
      'FLAG must be true, false, 1 or 0',
    );
  });
});
