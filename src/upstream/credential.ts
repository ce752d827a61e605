import { createHash } from 'node:crypto';

/** A token with the hash that stands for it wherever it keys something (caches, coalescing). */
export interface HashedCredential {
  token: string;
  hash: string;
}

/** Hashes a token with SHA-256, so keys and logs never contain the token itself. */
export function hashCredential(token: string): HashedCredential {
  return { token, hash: createHash('sha256').update(token).digest('base64url') };
}
