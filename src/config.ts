import type { LogLevel } from './logger.js';
import { isValidId } from './northflank/ids.js';

/** Gateway settings, read from the environment once at start-up. */
export interface Config {
  /** @default 4000 */
  port: number;
  /** @default '127.0.0.1' */
  host: string;
  /** Origin of the Northflank API. @default 'https://api.northflank.com' */
  northflankApiUrl: string;
  /** Token used when a request has no Authorization header at all. */
  northflankApiToken: string | undefined;
  /** Routes calls through `/v1/teams/{teamId}`, which organisation tokens need. */
  northflankTeamId: string | undefined;
  /** One upstream call, from connecting to the last body byte. @default 5000 */
  northflankTimeoutMs: number;
  /** Time in-flight requests get to finish after SIGTERM or SIGINT. @default 10000 */
  shutdownGraceMs: number;
  /** Time after SIGTERM during which /readyz returns 503 but requests are still served. @default 1000 */
  shutdownDrainMs: number;
  /** Deadline of one GraphQL operation; fields still waiting then fail. @default 15000 */
  requestTimeoutMs: number;
  /** Retries of a transient upstream failure. @default 2 */
  northflankRetries: number;
  /** First backoff step of the retries. @default 100 */
  northflankRetryBaseMs: number;
  /** Upstream calls in progress at once. @default 32 */
  northflankMaxConnections: number;
  /** Upstream calls waiting for a connection; past that they fail at once. @default 256 */
  northflankMaxQueue: number;
  /** Larger upstream responses are cut off. @default 1048576 */
  northflankMaxResponseBytes: number;
  /** Consecutive upstream faults that open the circuit breaker. @default 5 */
  breakerThreshold: number;
  /** How long an open circuit fails fast before a probe. @default 10000 */
  breakerCooldownMs: number;
  /** Cache lifetime of concluded builds; 0 turns it off. @default 300000 */
  cacheTtlMs: number;
  /** Cache lifetime of running builds; 0 turns it off. @default 1000 */
  runningCacheTtlMs: number;
  /** Cache lifetime of NOT_FOUND results; 0 turns it off. @default 30000 */
  notFoundCacheTtlMs: number;
  /** Entries the cache keeps at most; 0 turns every cache off. @default 10000 */
  cacheMaxEntries: number;
  /** Remaining upstream calls at or below which a credential's budget counts as low. @default 50 */
  rateLimitReserve: number;
  /** Cache lifetime of running builds while the budget is low. @default 10000 */
  lowBudgetRunningTtlMs: number;
  /** Browser origins allowed to call the gateway; empty means same-origin only. @default [] */
  corsOrigins: string[];
  /** `NODE_ENV=production`: no field suggestions, limits not named in error messages. */
  production: boolean;
  /** Serve GraphiQL at the GraphQL endpoint to browsers. @default true */
  graphiql: boolean;
  /** Answer introspection queries; GraphiQL needs it. @default true */
  introspection: boolean;
  /** Which tokens the gateway sends upstream. @default 'forward-or-server' */
  authMode: AuthMode;
  /** Operation limits, checked before execution. */
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxDirectives: number;
  maxCost: number;
  /** Larger request bodies get 413. @default 102400 */
  maxBodyBytes: number;
  /** Idle keep-alive connections are closed after this long. @default 65000 */
  keepAliveTimeoutMs: number;
  /** Operations one client may start per minute; 0 turns the limit off. @default 600 */
  clientRateLimitPerMinute: number;
  /** Operations in progress in the process; past that, 503. @default 1000 */
  maxInflightOperations: number;
  /** Believe X-Forwarded-For for the client address, behind a trusted proxy. @default false */
  trustProxy: boolean;
  /**
   * Host names (with an optional port) that requests may address; `undefined` accepts any. By
   * default only loopback names are accepted while HOST is a loopback address, which stops DNS
   * rebinding from reaching a gateway on a developer's machine.
   */
  allowedHosts: string[] | undefined;
  /**
   * Serve plain JSON POSTs to /graphql on node:http directly, and everything else through Yoga's
   * fetch API adapter. Turn it off to send every request through Yoga when troubleshooting.
   * @default true
   */
  fastPath: boolean;
  /** @default 'info' */
  logLevel: LogLevel;
  /** Outbound proxy for calls to Northflank, from HTTPS_PROXY, HTTP_PROXY and NO_PROXY. */
  proxy: ProxySettings | undefined;
}

/** Proxy URLs by the scheme of the target, and the hosts reached directly. */
export interface ProxySettings {
  httpsProxy: string;
  httpProxy: string;
  noProxy: string;
}

/** A setting with an invalid value; the message names the variable and the rule. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Environment = Record<string, string | undefined>;

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

/**
 * - `forward`: only tokens sent by clients.
 * - `server`: only NORTHFLANK_API_TOKEN; client Authorization headers are ignored.
 * - `forward-or-server`: a client's token, else NORTHFLANK_API_TOKEN when no header is sent.
 */
export type AuthMode = 'forward' | 'server' | 'forward-or-server';
const AUTH_MODES: readonly AuthMode[] = ['forward', 'server', 'forward-or-server'];
const LOOPBACK_HOST = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])$/;

/** Reads and validates the configuration; throws ConfigError on the first invalid value. */
export function loadConfig(env: Environment = process.env): Config {
  const config = readSettings(env);
  checkCombinations(config);
  return config;
}

function readSettings(env: Environment): Config {
  return {
    port: readInteger(env, 'PORT', 4000, 0, 65535),
    host: readString(env, 'HOST') ?? '127.0.0.1',
    northflankApiUrl: readApiUrl(env, 'NORTHFLANK_API_URL', 'https://api.northflank.com'),
    northflankApiToken: readToken(env, 'NORTHFLANK_API_TOKEN'),
    northflankTeamId: readId(env, 'NORTHFLANK_TEAM_ID'),
    northflankTimeoutMs: readInteger(env, 'NORTHFLANK_TIMEOUT_MS', 5000, 1, 600_000),
    shutdownGraceMs: readInteger(env, 'SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    shutdownDrainMs: readInteger(env, 'SHUTDOWN_DRAIN_MS', 1000, 0, 600_000),
    requestTimeoutMs: readInteger(env, 'REQUEST_TIMEOUT_MS', 15_000, 1, 600_000),
    northflankRetries: readInteger(env, 'NORTHFLANK_RETRIES', 2, 0, 10),
    northflankRetryBaseMs: readInteger(env, 'NORTHFLANK_RETRY_BASE_MS', 100, 0, 60_000),
    northflankMaxConnections: readInteger(env, 'NORTHFLANK_MAX_CONNECTIONS', 32, 1, 1024),
    northflankMaxQueue: readInteger(env, 'NORTHFLANK_MAX_QUEUE', 256, 0, 100_000),
    northflankMaxResponseBytes: readInteger(
      env,
      'NORTHFLANK_MAX_RESPONSE_BYTES',
      1024 * 1024,
      1024,
      64 * 1024 * 1024,
    ),
    breakerThreshold: readInteger(env, 'BREAKER_THRESHOLD', 5, 1, 1000),
    breakerCooldownMs: readInteger(env, 'BREAKER_COOLDOWN_MS', 10_000, 1, 600_000),
    cacheTtlMs: readInteger(env, 'CACHE_TTL_MS', 300_000, 0, 86_400_000),
    runningCacheTtlMs: readInteger(env, 'RUNNING_CACHE_TTL_MS', 1000, 0, 86_400_000),
    notFoundCacheTtlMs: readInteger(env, 'NOT_FOUND_CACHE_TTL_MS', 30_000, 0, 86_400_000),
    cacheMaxEntries: readInteger(env, 'CACHE_MAX_ENTRIES', 10_000, 0, 10_000_000),
    rateLimitReserve: readInteger(env, 'RATE_LIMIT_RESERVE', 50, 0, 1_000_000),
    lowBudgetRunningTtlMs: readInteger(env, 'LOW_BUDGET_RUNNING_TTL_MS', 10_000, 0, 86_400_000),
    corsOrigins: readOrigins(env, 'CORS_ORIGINS'),
    production: readString(env, 'NODE_ENV') === 'production',
    graphiql: readBoolean(env, 'GRAPHIQL', true),
    introspection: readBoolean(env, 'INTROSPECTION', true),
    authMode: readChoice(env, 'AUTH_MODE', AUTH_MODES, 'forward-or-server'),
    maxDepth: readInteger(env, 'MAX_DEPTH', 6, 1, 100),
    maxAliases: readInteger(env, 'MAX_ALIASES', 15, 0, 1000),
    maxTokens: readInteger(env, 'MAX_TOKENS', 1000, 10, 100_000),
    maxDirectives: readInteger(env, 'MAX_DIRECTIVES', 50, 0, 1000),
    maxCost: readInteger(env, 'MAX_COST', 5000, 1, 1_000_000),
    maxBodyBytes: readInteger(env, 'MAX_BODY_BYTES', 102_400, 1024, 10 * 1024 * 1024),
    keepAliveTimeoutMs: readInteger(env, 'KEEP_ALIVE_TIMEOUT_MS', 65_000, 1000, 600_000),
    clientRateLimitPerMinute: readInteger(env, 'CLIENT_RATE_LIMIT_PER_MINUTE', 600, 0, 1_000_000),
    maxInflightOperations: readInteger(env, 'MAX_INFLIGHT_OPERATIONS', 1000, 1, 1_000_000),
    trustProxy: readBoolean(env, 'TRUST_PROXY', false),
    allowedHosts: readAllowedHosts(env, 'ALLOWED_HOSTS'),
    fastPath: readBoolean(env, 'FAST_PATH', true),
    logLevel: readChoice(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    proxy: readProxySettings(env),
  };
}

/** Rejects settings that are valid alone but cannot work together. */
function checkCombinations(config: Config): void {
  if (config.graphiql && !config.introspection) {
    throw new ConfigError(
      'GRAPHIQL=true needs INTROSPECTION=true, because GraphiQL reads the schema by introspection. Set GRAPHIQL=false as well.',
    );
  }
  if (config.authMode === 'server' && config.northflankApiToken === undefined) {
    throw new ConfigError('AUTH_MODE=server needs NORTHFLANK_API_TOKEN.');
  }
}

/** Reads a setting; an empty value counts as unset, as container tooling often leaves them. */
function readString(env: Environment, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function readInteger(
  env: Environment,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = readString(env, name);
  if (raw === undefined) return fallback;

  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(
      `${name} must be an integer from ${min} to ${max}, received ${JSON.stringify(raw)}.`,
    );
  }
  return value;
}

/** Reads `true`, `false`, `1` or `0`. */
export function readBoolean(env: Environment, name: string, fallback: boolean): boolean {
  const raw = readString(env, name);
  if (raw === undefined) return fallback;

  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(`${name} must be true, false, 1 or 0, received ${JSON.stringify(raw)}.`);
}

function readChoice<T extends string>(
  env: Environment,
  name: string,
  choices: readonly T[],
  fallback: T,
): T {
  const raw = readString(env, name);
  if (raw === undefined) return fallback;

  const choice = choices.find((candidate) => candidate === raw);
  if (choice === undefined) {
    throw new ConfigError(
      `${name} must be one of ${choices.join(', ')}, received ${JSON.stringify(raw)}.`,
    );
  }
  return choice;
}

function readId(env: Environment, name: string): string | undefined {
  const raw = readString(env, name);
  if (raw === undefined || isValidId(raw)) return raw;

  throw new ConfigError(
    `${name} must be 1 to 100 ASCII letters, digits or hyphens, starting with a letter or digit.`,
  );
}

/** Reads a secret, so a rejected value is never put in the message. */
function readToken(env: Environment, name: string): string | undefined {
  const raw = readString(env, name);
  if (raw === undefined || /^[A-Za-z0-9\-._~+/]+=*$/.test(raw)) return raw;

  throw new ConfigError(`${name} must be a bearer token without spaces or control characters.`);
}

/**
 * Accepts an origin only: https, or plain http on a loopback host for the simulator. Credentials,
 * paths and queries are rejected because they would be sent along with every token.
 */
function readApiUrl(env: Environment, name: string, fallback: string): string {
  const raw = readString(env, name) ?? fallback;
  const rule = 'an https:// origin (http:// only for a loopback host)';

  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // The value is not echoed: a malformed URL may still contain a password.
    throw new ConfigError(`${name} must be ${rule}, such as https://api.northflank.com.`);
  }

  const problem = apiUrlProblem(url);
  if (problem !== undefined) throw new ConfigError(`${name} must be ${rule}, but ${problem}.`);
  return url.origin;
}

function apiUrlProblem(url: URL): string | undefined {
  const loopbackHttp = url.protocol === 'http:' && LOOPBACK_HOST.test(url.hostname);
  if (url.protocol === 'http:' && !loopbackHttp) {
    return `${url.host} is not a loopback host, so it needs https://`;
  }
  if (url.protocol !== 'https:' && !loopbackHttp) return `${url.protocol}// is not supported`;
  if (url.username !== '' || url.password !== '') return 'it contains credentials';
  if (url.pathname !== '/') return `it contains the path ${JSON.stringify(url.pathname)}`;
  if (url.search !== '' || url.hash !== '') return 'it contains a query or fragment';
  return undefined;
}

/**
 * Reads the proxy variables as curl and undici do, upper or lower case. Proxy URLs may carry
 * credentials, so a rejected value is not echoed.
 */
function readProxySettings(env: Environment): ProxySettings | undefined {
  const proxyUrl = (name: string): string => {
    const value = readString(env, name) ?? readString(env, name.toLowerCase()) ?? '';
    if (value === '' || /^https?:\/\/[^\s/]+\/?$/.test(value)) return value;
    throw new ConfigError(
      `${name} must be an http:// or https:// proxy URL such as http://proxy:3128.`,
    );
  };
  const settings = {
    httpsProxy: proxyUrl('HTTPS_PROXY'),
    httpProxy: proxyUrl('HTTP_PROXY'),
    noProxy: readString(env, 'NO_PROXY') ?? readString(env, 'no_proxy') ?? '',
  };
  return settings.httpsProxy === '' && settings.httpProxy === '' ? undefined : settings;
}

const LOOPBACK_HOST_NAMES = ['localhost', '127.0.0.1', '[::1]'];
const HOST_NAME_WITH_PORT =
  /^([a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(:\d{1,5})?$/;

/**
 * Reads ALLOWED_HOSTS (`*` accepts any host). Unset, it allows only loopback names while the
 * gateway listens on a loopback address, and any host otherwise.
 */
function readAllowedHosts(env: Environment, name: string): string[] | undefined {
  const raw = readString(env, name);
  if (raw === '*') return undefined;
  if (raw !== undefined) {
    const entries = raw
      .split(',')
      .map((entry) => entry.trim().toLowerCase())
      .filter((entry) => entry !== '');
    const invalid = entries.find((entry) => !HOST_NAME_WITH_PORT.test(entry));
    if (invalid !== undefined || entries.length === 0) {
      throw new ConfigError(
        `${name} must be * or host names such as graphql.example.com, optionally with :port, separated by commas, received ${JSON.stringify(invalid ?? raw)}.`,
      );
    }
    return entries;
  }

  const listenHost = readString(env, 'HOST') ?? '127.0.0.1';
  return LOOPBACK_HOST.test(listenHost) || listenHost === '::1' ? LOOPBACK_HOST_NAMES : undefined;
}

/** Reads a comma-separated list of origins such as `https://app.example.com`. */
function readOrigins(env: Environment, name: string): string[] {
  const raw = readString(env, name);
  if (raw === undefined) return [];

  return raw.split(',').map((entry) => {
    const candidate = entry.trim();
    let url: URL | undefined;
    try {
      url = new URL(candidate);
    } catch {
      url = undefined;
    }
    if (url === undefined || url.origin === 'null' || url.origin !== candidate) {
      throw new ConfigError(
        `${name} must list origins such as https://app.example.com separated by commas, received ${JSON.stringify(candidate)}.`,
      );
    }
    return url.origin;
  });
}
