import type { BuildLocation } from './ids.js';

/** Path prefix of the control routes, which exist only in simulator mode. */
export const CONTROL_PREFIX = '/__simulator/';

/** A request target resolved to the route that serves it. */
export type Route = BuildRoute | { kind: 'control'; pathname: string } | { kind: 'unknown' };

/** The get-build route, with or without the team prefix. */
export interface BuildRoute {
  kind: 'build';
  location: BuildLocation;
  teamId?: string;
}

const PROJECT_ROUTE = ['v1', 'projects', '*', 'services', '*', 'build', '*'] as const;
const TEAM_ROUTE = ['v1', 'teams', '*', ...PROJECT_ROUTE.slice(1)] as const;

/**
 * Resolves a raw request target such as `/v1/projects/p/services/s/build/b?x=1`. The query string
 * is ignored, and the id segments are percent-decoded but not yet checked, so that a malformed id
 * gets the same 404 as an unknown one once the request is authenticated.
 */
export function matchRoute(target: string): Route {
  const pathname = target.split(/[?#]/, 1)[0] ?? '';
  if (!pathname.startsWith('/')) return { kind: 'unknown' };
  if (pathname.startsWith(CONTROL_PREFIX)) return { kind: 'control', pathname };

  const segments = pathname.slice(1).split('/');
  const ids = matchSegments(segments, PROJECT_ROUTE) ?? matchSegments(segments, TEAM_ROUTE);
  if (ids === undefined) return { kind: 'unknown' };

  const [buildId, serviceId, projectId, teamId] = ids.reverse();
  if (buildId === undefined || serviceId === undefined || projectId === undefined) {
    return { kind: 'unknown' };
  }

  const location = { projectId, serviceId, buildId };
  return teamId === undefined ? { kind: 'build', location } : { kind: 'build', location, teamId };
}

/**
 * Returns the decoded segments at the `*` places of `pattern`, or undefined when `segments` do not
 * fit it, a `*` segment is empty, or its percent-encoding is invalid.
 */
function matchSegments(
  segments: readonly string[],
  pattern: readonly string[],
): string[] | undefined {
  if (segments.length !== pattern.length) return undefined;

  const ids: string[] = [];
  for (const [index, expected] of pattern.entries()) {
    const segment = segments[index] ?? '';
    if (expected !== '*') {
      if (segment !== expected) return undefined;
      continue;
    }

    const decoded = decodeSegment(segment);
    if (decoded === undefined || decoded === '') return undefined;
    ids.push(decoded);
  }
  return ids;
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
