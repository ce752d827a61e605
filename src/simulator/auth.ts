/** The outcome of checking an Authorization header. */
export type AuthResult = { ok: true; token: string } | { ok: false; message: string };

/**
 * `Bearer <token>` with the scheme in any case (RFC 7235) and the token in the b64token syntax of
 * RFC 6750, which JWTs fit.
 */
const BEARER_PATTERN = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/**
 * Checks the Authorization header of a request. With `tokens` set, only those tokens are accepted;
 * without it, any well-formed bearer token is. Messages never contain the token.
 */
export function authenticate(
  header: string | undefined,
  tokens: ReadonlySet<string> | undefined,
): AuthResult {
  if (header === undefined || header.trim() === '') {
    return {
      ok: false,
      message: 'Missing Authorization header: send "Authorization: Bearer <token>"',
    };
  }

  const token = BEARER_PATTERN.exec(header.trim())?.[1];
  if (token === undefined) {
    return {
      ok: false,
      message: 'Invalid Authorization header: expected "Bearer <token>"',
    };
  }

  if (tokens !== undefined && !tokens.has(token)) {
    return { ok: false, message: 'Invalid API token: the token is unknown or expired' };
  }

  return { ok: true, token };
}
