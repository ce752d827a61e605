import { DEMO_BUILDS, SEED_BUILDS } from './data.js';
import { generateBuild } from './generated-build.js';
import { assertValidLocation, type BuildLocation, findInvalidId, locationKey } from './ids.js';
import { progressingBuildAt } from './progression.js';

/** The outcome of a build lookup: the JSON body to serve with 200, or the reason for a 404. */
export type BuildLookup = { found: true; body: string } | { found: false; message: string };

/** Build ids starting with this are reported as not found, so a demo can show NOT_FOUND. */
export const MISSING_BUILD_PREFIX = 'missing-';

const NOT_FOUND_MESSAGES = {
  projectId: 'Project not found',
  serviceId: 'Service not found',
  buildId: 'Build not found',
} as const;

/**
 * The builds that the simulator serves. A lookup checks these cases in order:
 * 1. an id that is not well-formed: 404;
 * 2. a build removed with `delete`: 404;
 * 3. a payload stored with `set`;
 * 4. a seed build, or the progressing build;
 * 5. a build id starting with `missing-`: 404;
 * 6. any other id: a build generated from the ids.
 */
export class BuildStore {
  readonly #startedAtMs: number;
  readonly #seedBodies = new Map<string, string>();
  readonly #storedBodies = new Map<string, string>();
  readonly #deleted = new Set<string>();

  /** @param startedAtMs Unix time in ms at which the progressing build starts. */
  constructor(startedAtMs: number) {
    this.#startedAtMs = startedAtMs;
    for (const { location, build } of SEED_BUILDS) {
      this.#seedBodies.set(locationKey(location), JSON.stringify({ data: build }));
    }
  }

  /**
   * Stores `payload` to be served as-is in `{"data": payload}`. It is serialized now, so later
   * changes to the object do not show, and a payload that JSON cannot encode throws here.
   */
  set(location: BuildLocation, payload: Record<string, unknown>): void {
    assertValidLocation(location);
    const key = locationKey(location);
    this.#storedBodies.set(key, JSON.stringify({ data: payload }));
    this.#deleted.delete(key);
  }

  /** Makes the build not found, whether it was stored, seeded or would be generated. */
  delete(location: BuildLocation): void {
    assertValidLocation(location);
    const key = locationKey(location);
    this.#storedBodies.delete(key);
    this.#deleted.add(key);
  }

  /** Looks up a build; `nowMs` is the clock reading that the progressing build advances on. */
  find(location: BuildLocation, nowMs: number): BuildLookup {
    const invalidId = findInvalidId(location);
    if (invalidId !== undefined) return { found: false, message: NOT_FOUND_MESSAGES[invalidId] };

    const key = locationKey(location);
    if (this.#deleted.has(key)) return { found: false, message: NOT_FOUND_MESSAGES.buildId };

    const body = this.#storedBodies.get(key) ?? this.#seedBodies.get(key);
    if (body !== undefined) return { found: true, body };

    if (key === locationKey(DEMO_BUILDS.progressing)) {
      const build = progressingBuildAt(this.#startedAtMs, nowMs);
      return { found: true, body: JSON.stringify({ data: build }) };
    }

    if (location.buildId.startsWith(MISSING_BUILD_PREFIX)) {
      return { found: false, message: NOT_FOUND_MESSAGES.buildId };
    }

    return { found: true, body: JSON.stringify({ data: generateBuild(location) }) };
  }
}
