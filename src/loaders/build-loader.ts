import DataLoader from 'dataloader';
import type { Build, BuildKey } from '../northflank/build.js';
import type { BuildSource } from '../upstream/build-source.js';
import type { HashedCredential } from '../upstream/credential.js';
import type { Waiter } from '../upstream/in-flight-calls.js';

export type BuildLoader = DataLoader<BuildKey, Build, string>;

function cacheKey(key: BuildKey): string {
  // Ids are validated to letters, digits and hyphens, so '/' cannot occur inside one.
  return `${key.projectId}/${key.serviceId}/${key.buildId}`;
}

/**
 * Creates the loader for one GraphQL request and one token. Asking for the same build twice in an
 * operation costs one upstream call. Distinct builds are fetched in parallel, and each key gets
 * its own build or its own error. A failed key is dropped from the cache so a later load in the
 * same request tries again rather than repeating a stale failure.
 */
export function createBuildLoader(
  source: BuildSource,
  credential: HashedCredential,
  waiter: Waiter,
): BuildLoader {
  const loader: BuildLoader = new DataLoader(
    (keys) =>
      Promise.all(
        keys.map((key) =>
          source.get(key, credential, waiter).catch((error: unknown) => {
            loader.clear(key);
            return error instanceof Error ? error : new Error(String(error));
          }),
        ),
      ),
    { cacheKeyFn: cacheKey },
  );
  return loader;
}
