import { ErrorCode, GatewayError } from '../errors.js';

/**
 * ASCII letters, digits and hyphens, starting with a letter or digit, 1 to 100 characters. The
 * rule is stricter than any URL encoding needs, so an accepted id is always exactly one path
 * segment: nothing like `..`, `/`, `%2F`, `?` or `#` can reach an upstream URL.
 */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9-]{0,99}$/;

export function isValidId(value: string): boolean {
  return ID_PATTERN.test(value);
}

/** Throws BAD_USER_INPUT naming the argument unless `value` is a well-formed id. */
export function assertValidId(argumentName: string, value: string): void {
  if (isValidId(value)) return;

  throw new GatewayError(
    ErrorCode.BAD_USER_INPUT,
    `Invalid ${argumentName} ${describeValue(value)}: expected 1 to 100 ASCII letters, digits or hyphens, starting with a letter or digit.`,
  );
}

/** Quotes a client-supplied value for a message, shortened so a huge input cannot bloat it. */
function describeValue(value: string): string {
  const shortened = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  return JSON.stringify(shortened);
}
