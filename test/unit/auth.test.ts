import { describe, expect, it } from 'vitest';
import { requireToken, resolveCredential } from '../../src/auth.js';
import { ErrorCode } from '../../src/errors.js';

describe('resolveCredential', () => {
  it('uses a well-formed client bearer token', () => {
    expect(resolveCredential('Bearer client-token', 'server-token')).toEqual({
      kind: 'token',
      token: 'client-token',
      source: 'client',
    });
  });

  it('accepts the scheme in any case', () => {
    expect(resolveCredential('bearer abc.def', undefined)).toMatchObject({ token: 'abc.def' });
  });

  it('uses the server token when no Authorization header is sent', () => {
    expect(resolveCredential(undefined, 'server-token')).toMatchObject({
      token: 'server-token',
      source: 'server',
    });
  });

  it('reports a missing token when neither is available', () => {
    expect(resolveCredential(null, undefined).kind).toBe('missing');
  });

  it.each([
    'Basic dXNlcjpwYXNz',
    'Bearer',
    'Bearer ',
    'Bearer two words',
    'token-without-scheme',
    '',
  ])('treats %j as malformed and never falls back to the server token', (header) => {
    expect(resolveCredential(header, 'server-token').kind).toBe('malformed');
  });
});

describe('requireToken', () => {
  it('throws UNAUTHENTICATED without a token', () => {
    expect(() => requireToken(resolveCredential(null, undefined))).toThrowError(
      expect.objectContaining({ code: ErrorCode.UNAUTHENTICATED }),
    );
  });
});
