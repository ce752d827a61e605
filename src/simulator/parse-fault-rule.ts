import { validateHeaderName, validateHeaderValue } from 'node:http';
import type { Fault, FaultKind, FaultRule } from './faults.js';

/** Thrown with the name of the first property of a fault rule that is not valid. */
export class InvalidFaultRuleError extends TypeError {
  override readonly name = 'InvalidFaultRuleError';
}

type Fields = Record<string, unknown>;
type FaultOf<K extends FaultKind> = Extract<Fault, { kind: K }>;

/**
 * Checks a fault rule received from a test or over HTTP and returns a copy that holds only the
 * known properties. Throws InvalidFaultRuleError naming the first invalid property.
 */
export function parseFaultRule(value: unknown): FaultRule {
  const rule = requireObject(value, 'rule');
  const parsed: FaultRule = { fault: parseFault(requireObject(rule.fault, 'fault')) };

  if (rule.buildId !== undefined) parsed.buildId = requireString(rule.buildId, 'buildId');
  if (rule.times !== undefined) parsed.times = requireInteger(rule.times, 'times', 1);
  return parsed;
}

/** One parser per fault kind; each checks the properties that kind reads. */
const FAULT_PARSERS: { readonly [K in FaultKind]: (fault: Fields) => FaultOf<K> } = {
  latency: (fault) => ({ kind: 'latency', ms: requireDuration(fault.ms, 'fault.ms') }),
  status: (fault) =>
    withOptional<FaultOf<'status'>>(
      { kind: 'status', status: requireStatus(fault.status, 'fault.status') },
      { message: optionalString(fault.message, 'fault.message'), headers: optionalHeaders(fault) },
    ),
  'rate-limit': (fault) =>
    withOptional<FaultOf<'rate-limit'>>(
      { kind: 'rate-limit' },
      { retryAfter: optionalString(fault.retryAfter, 'fault.retryAfter') },
    ),
  hang: () => ({ kind: 'hang' }),
  'malformed-body': () => ({ kind: 'malformed-body' }),
  'empty-body': (fault) =>
    withOptional<FaultOf<'empty-body'>>(
      { kind: 'empty-body' },
      { status: optionalStatus(fault.status, 'fault.status') },
    ),
  raw: (fault) =>
    withOptional<FaultOf<'raw'>>(
      {
        kind: 'raw',
        status: requireStatus(fault.status, 'fault.status'),
        body: requireString(fault.body, 'fault.body'),
      },
      { headers: optionalHeaders(fault) },
    ),
  'slow-headers': (fault) => ({ kind: 'slow-headers', ms: requireDuration(fault.ms, 'fault.ms') }),
  'drip-body': (fault) =>
    withOptional<FaultOf<'drip-body'>>(
      { kind: 'drip-body', intervalMs: requireDuration(fault.intervalMs, 'fault.intervalMs') },
      { chunkBytes: optionalInteger(fault.chunkBytes, 'fault.chunkBytes', 1) },
    ),
  'reset-mid-body': () => ({ kind: 'reset-mid-body' }),
  'truncated-json': () => ({ kind: 'truncated-json' }),
  'large-body': (fault) =>
    withOptional<FaultOf<'large-body'>>(
      { kind: 'large-body' },
      { bytes: optionalInteger(fault.bytes, 'fault.bytes', 1) },
    ),
  'reset-reused-socket': () => ({ kind: 'reset-reused-socket' }),
};

function parseFault(fault: Fields): Fault {
  const kind = fault.kind;
  if (typeof kind !== 'string' || !Object.hasOwn(FAULT_PARSERS, kind)) {
    const known = Object.keys(FAULT_PARSERS).join(', ');
    throw new InvalidFaultRuleError(
      `Invalid fault.kind ${describe(kind)}: expected one of ${known}`,
    );
  }
  return FAULT_PARSERS[kind as FaultKind](fault);
}

/** Copies the entries of `optional` that are not undefined onto `fault`. */
function withOptional<T extends Fault>(fault: T, optional: Partial<T>): T {
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) Object.assign(fault, { [key]: value });
  }
  return fault;
}

function requireObject(value: unknown, name: string): Fields {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Fields;
  throw new InvalidFaultRuleError(
    `Invalid ${name}: expected an object, received ${describe(value)}`,
  );
}

function requireString(value: unknown, name: string): string {
  if (typeof value === 'string') return value;
  throw new InvalidFaultRuleError(
    `Invalid ${name}: expected a string, received ${describe(value)}`,
  );
}

function optionalString(value: unknown, name: string): string | undefined {
  return value === undefined ? undefined : requireString(value, name);
}

function requireInteger(value: unknown, name: string, min: number): number {
  if (Number.isSafeInteger(value) && (value as number) >= min) return value as number;
  throw new InvalidFaultRuleError(
    `Invalid ${name}: expected an integer of at least ${min}, received ${describe(value)}`,
  );
}

function optionalInteger(value: unknown, name: string, min: number): number | undefined {
  return value === undefined ? undefined : requireInteger(value, name, min);
}

/** Returns `value` when it is a time in ms: a finite number of at least 0. */
function requireDuration(value: unknown, name: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  throw new InvalidFaultRuleError(
    `Invalid ${name}: expected a number of ms of at least 0, received ${describe(value)}`,
  );
}

/** Returns `value` when it is a final HTTP status that a fault may send: 200 to 599. */
function requireStatus(value: unknown, name: string): number {
  if (Number.isInteger(value) && (value as number) >= 200 && (value as number) <= 599) {
    return value as number;
  }
  throw new InvalidFaultRuleError(
    `Invalid ${name}: expected an integer from 200 to 599, received ${describe(value)}`,
  );
}

function optionalStatus(value: unknown, name: string): number | undefined {
  return value === undefined ? undefined : requireStatus(value, name);
}

/** Checks `fault.headers` with Node's own header rules, so a bad header fails here, not mid-response. */
function optionalHeaders(fault: Fields): Record<string, string> | undefined {
  if (fault.headers === undefined) return undefined;

  const headers = requireObject(fault.headers, 'fault.headers');
  const checked: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const text = requireString(value, `fault.headers[${JSON.stringify(name)}]`);
    try {
      validateHeaderName(name);
      validateHeaderValue(name, text);
    } catch (error) {
      throw new InvalidFaultRuleError(
        `Invalid fault.headers[${JSON.stringify(name)}]: ${(error as Error).message}`,
      );
    }
    checked[name] = text;
  }
  return checked;
}

/** Quotes a received value for a message, shortened so a huge value cannot bloat it. */
function describe(value: unknown): string {
  const text = toJson(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

/** Returns `value` as JSON, or undefined for values JSON cannot encode (functions, BigInts, cycles). */
function toJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}
