// Readers of single environment variables. Each one throws ConfigError naming the variable and
// the rule it breaks, so start-up fails with one clear line.
import type { ProxySettings } from './config.js';
import { isValidId } from './northflank/ids.js';

/** A setting with an invalid value; the message names the variable and the rule. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export type Environment = Record<string, string | undefined>;

const LOOPBACK_HOST = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])$/;

/** Reads a setting; an empty value counts as unset, as container tooling often leaves them. */
export function readString(env: Environment, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

export function readInteger(
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

export function readChoice<T extends string>(
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

export function readId(env: Environment, name: string): string | undefined {
  const raw = readString(env, name);
  if (raw === undefined || isValidId(raw)) return raw;

  throw new ConfigError(
    `${name} must be 1 to 100 ASCII letters, digits or hyphens, starting with a letter or digit.`,
  );
}

/** Reads a secret, so a rejected value is never put in the message. */
export function readToken(env: Environment, name: string): string | undefined {
  const raw = readString(env, name);
  if (raw === undefined || /^[A-Za-z0-9\-._~+/]+=*$/.test(raw)) return raw;

  throw new ConfigError(`${name} must be a bearer token without spaces or control characters.`);
}

/**
 * Accepts an origin only: https, or plain http on a loopback host for the simulator. Credentials,
 * paths and queries are rejected because they would be sent along with every token.
 */
export function readApiUrl(env: Environment, name: string, fallback: string): string {
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
export function readProxySettings(env: Environment): ProxySettings | undefined {
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
export function readAllowedHosts(env: Environment, name: string): string[] | undefined {
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
export function readOrigins(env: Environment, name: string): string[] {
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
