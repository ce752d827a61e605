import type { AuthMode } from './config.js';
import { ErrorCode, GatewayError } from './errors.js';

/** The outcome of reading a request's credentials; `token` is never logged or echoed. */
export type Credential =
  | { kind: 'token'; token: string; source: 'client' | 'server' }
  | { kind: 'missing'; reason: string }
  | { kind: 'malformed'; reason: string };

/** RFC 6750 b64token: what a well-formed bearer token may contain. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * Picks the token for upstream calls. In the default `forward-or-server` mode a client's
 * well-formed bearer token wins, and without any Authorization header the server token is used
 * when configured. A header that is present but malformed never falls back to the server token,
 * because a client that meant to send its own token would otherwise act as the server's identity
 * without noticing. `server` mode ignores client headers and `forward` mode never uses the server
 * token.
 */
export function resolveCredential(
  authorizationHeader: string | null | undefined,
  serverToken: string | undefined,
  mode: AuthMode = 'forward-or-server',
): Credential {
  if (mode === 'server') {
    if (serverToken !== undefined) return { kind: 'token', token: serverToken, source: 'server' };
    return { kind: 'missing', reason: 'The gateway has no API token configured.' };
  }
  if (authorizationHeader === null || authorizationHeader === undefined) {
    if (serverToken !== undefined && mode === 'forward-or-server') {
      return { kind: 'token', token: serverToken, source: 'server' };
    }
    return {
      kind: 'missing',
      reason: 'No API token: send an "Authorization: Bearer <Northflank API token>" header.',
    };
  }

  const match = BEARER.exec(authorizationHeader);
  if (match?.[1] === undefined) {
    return {
      kind: 'malformed',
      reason: 'Malformed Authorization header: expected "Bearer <Northflank API token>".',
    };
  }
  return { kind: 'token', token: match[1], source: 'client' };
}

/** Returns the token, or throws UNAUTHENTICATED with the reason there is none. */
export function requireToken(credential: Credential): string {
  if (credential.kind === 'token') return credential.token;
  throw new GatewayError(ErrorCode.UNAUTHENTICATED, credential.reason);
}
