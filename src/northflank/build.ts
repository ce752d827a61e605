/** A service build after its upstream payload has been checked and converted. */
export interface Build {
  id: string;
  projectId: string;
  serviceId: string;
  branch: string | null;
  /** Kept as a decimal string so ids past 32 bits survive GraphQL's Int. */
  pullRequestId: string | null;
  /** The upstream's value as sent; mapping to the GraphQL enum happens in the schema. */
  status: string | null;
  sha: string | null;
  registry: { uri: string | null } | null;
  concluded: boolean | null;
  createdAt: Date | null;
  success: boolean | null;
  message: string | null;
  buildConcludedAt: Date | null;
}

export interface BuildKey {
  projectId: string;
  serviceId: string;
  buildId: string;
}

/** Thrown with a description of the first property that does not match the documented shape. */
export class BuildShapeError extends Error {
  override readonly name = 'BuildShapeError';
}

/**
 * Readings of `buildConcludedAt` at or above this are milliseconds: as Unix seconds they would
 * fall after the year 5000.
 */
const MILLISECONDS_THRESHOLD = 1e11;

/** ISO 8601 date and time with a zone, as `createdAt` is documented. */
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(:(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Checks the `data` of a get-build response and converts it. Unknown properties are ignored, so
 * fields the upstream adds later do not break the gateway. A known property of the wrong type, an
 * unreadable time or an id other than the requested one throws BuildShapeError.
 */
export function parseBuild(data: unknown, key: BuildKey): Build {
  if (!isRecord(data)) {
    throw new BuildShapeError(`expected "data" to be an object, received ${typeName(data)}`);
  }

  const id = data.id;
  if (id !== key.buildId) {
    throw new BuildShapeError(
      `expected "id" to be ${JSON.stringify(key.buildId)}, received ${describe(id)}`,
    );
  }

  return {
    id: key.buildId,
    projectId: key.projectId,
    serviceId: key.serviceId,
    branch: optionalString(data, 'branch'),
    pullRequestId: optionalPullRequestId(data),
    status: optionalString(data, 'status'),
    sha: optionalString(data, 'sha'),
    registry: optionalRegistry(data),
    concluded: optionalBoolean(data, 'concluded'),
    createdAt: optionalIsoTime(data, 'createdAt'),
    success: optionalBoolean(data, 'success'),
    message: optionalString(data, 'message'),
    buildConcludedAt: optionalEpochTime(data, 'buildConcludedAt'),
  };
}

function optionalString(data: Record<string, unknown>, name: string): string | null {
  const value = data[name];
  if (value === undefined || value === null) return null;

  if (typeof value !== 'string') throw wrongType(name, 'a string', value);
  return value;
}

function optionalBoolean(data: Record<string, unknown>, name: string): boolean | null {
  const value = data[name];
  if (value === undefined || value === null) return null;

  if (typeof value !== 'boolean') throw wrongType(name, 'a boolean', value);
  return value;
}

function optionalPullRequestId(data: Record<string, unknown>): string | null {
  const value = data.pullRequestId;
  if (value === undefined || value === null) return null;

  // JSON numbers past 2^53 have already lost digits in JSON.parse. Rejecting them beats passing
  // on an id that points at someone else's pull request.
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw wrongType('pullRequestId', 'a non-negative integer below 2^53', value);
  }
  return String(value);
}

function optionalRegistry(data: Record<string, unknown>): Build['registry'] {
  const value = data.registry;
  if (value === undefined || value === null) return null;

  if (!isRecord(value)) throw wrongType('registry', 'an object', value);
  const uri = value.uri;
  if (uri === undefined || uri === null) return { uri: null };

  if (typeof uri !== 'string') throw wrongType('registry.uri', 'a string', uri);
  return { uri };
}

function optionalIsoTime(data: Record<string, unknown>, name: string): Date | null {
  const value = data[name];
  if (value === undefined || value === null) return null;

  if (typeof value !== 'string' || !isRealDateTime(value)) {
    throw wrongType(name, 'an ISO 8601 time string', value);
  }
  return new Date(value);
}

/**
 * Checks the format and the calendar, because Date rolls "2021-02-30" over to March 2 instead of
 * rejecting it.
 */
function isRealDateTime(value: string): boolean {
  const match = ISO_DATE_TIME.exec(value);
  if (match === null) return false;

  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const dateValid = month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth;
  const timeValid = Number(match[4]) <= 23 && Number(match[5]) <= 59 && Number(match[7] ?? 0) <= 59;
  return dateValid && timeValid && !Number.isNaN(Date.parse(value));
}

function optionalEpochTime(data: Record<string, unknown>, name: string): Date | null {
  const value = data[name];
  if (value === undefined || value === null) return null;

  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw wrongType(name, 'a non-negative Unix time in seconds', value);
  }
  const milliseconds = value >= MILLISECONDS_THRESHOLD ? value : value * 1000;
  const time = new Date(milliseconds);
  if (Number.isNaN(time.getTime())) throw wrongType(name, 'a representable Unix time', value);
  return time;
}

function wrongType(name: string, expected: string, value: unknown): BuildShapeError {
  return new BuildShapeError(`expected "${name}" to be ${expected}, received ${describe(value)}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

/** Shows a received value in a message, shortened so a large payload cannot bloat it. */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
