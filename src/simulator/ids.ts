/** The three ids of the get-build route that identify a build. */
export interface BuildLocation {
  projectId: string;
  serviceId: string;
  buildId: string;
}

/**
 * Lowercase letters, digits and hyphens, 1 to 100 characters, for project, service and build ids.
 * Northflank documents project slugs as 3 to 39 characters and service slugs as 3 to 54, but the
 * simulator also accepts shorter and longer ones so that tests can use short ids. Build ids look
 * like `joyous-view-6290`, and their exact format is not documented.
 */
const ID_PATTERN = /^[a-z0-9-]{1,100}$/;

export function isWellFormedId(value: string): boolean {
  return ID_PATTERN.test(value);
}

/**
 * Returns the name of the first id in `location` that is not well-formed, or undefined when all
 * three are.
 */
export function findInvalidId(location: BuildLocation): keyof BuildLocation | undefined {
  if (!isWellFormedId(location.projectId)) return 'projectId';
  if (!isWellFormedId(location.serviceId)) return 'serviceId';
  if (!isWellFormedId(location.buildId)) return 'buildId';
  return undefined;
}

/** Throws a TypeError naming the id unless all three ids of `location` are well-formed. */
export function assertValidLocation(location: BuildLocation): void {
  const invalid = findInvalidId(location);
  if (invalid === undefined) return;

  throw new TypeError(
    `Invalid ${invalid} ${JSON.stringify(location[invalid])}: expected 1 to 100 lowercase letters, digits or hyphens.`,
  );
}

export function locationKey(location: BuildLocation): string {
  return `${location.projectId}/${location.serviceId}/${location.buildId}`;
}
