import {
  ConfigError,
  type Environment,
  readAllowedHosts,
  readApiUrl,
  readBoolean,
  readChoice,
  readId,
  readInteger,
  readOrigins,
  readProxySettings,
  readString,
  readToken,
} from './config-readers.js';
import type { LogLevel } from './logger.js';

export { ConfigError, readBoolean } from './config-readers.js';

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
  /** Whether introspection queries are executed; GraphiQL needs them. @default true */
  introspection: boolean;
  /** Source of the tokens the gateway sends upstream. @default 'forward-or-server' */
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

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

/**
 * - `forward`: only tokens sent by clients.
 * - `server`: only NORTHFLANK_API_TOKEN; client Authorization headers are ignored.
 * - `forward-or-server`: a client's token, else NORTHFLANK_API_TOKEN when no header is sent.
 */
export type AuthMode = 'forward' | 'server' | 'forward-or-server';
const AUTH_MODES: readonly AuthMode[] = ['forward', 'server', 'forward-or-server'];

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
