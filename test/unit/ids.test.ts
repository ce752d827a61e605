import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors.js';
import { assertValidId, isValidId } from '../../src/northflank/ids.js';

describe('isValidId', () => {
  it.each(['a', 'demo-project', 'joyous-view-6290', 'A1', '9lives', 'x'.repeat(100)])(
    'accepts %s',
    (id) => {
      expect(isValidId(id)).toBe(true);
    },
  );

  it.each([
    '',
    '-leading-hyphen',
    '..',
    'a/b',
    'a%2Fb',
    'a?b',
    'a#b',
    'a b',
    'a_b',
    'a.b',
    'caf\u00e9',
    '\u0430pp',
    'a\n',
    'x'.repeat(101),
  ])('rejects %j', (id) => {
    expect(isValidId(id)).toBe(false);
  });
});

describe('assertValidId', () => {
  it('throws BAD_USER_INPUT naming the argument', () => {
    expect(() => assertValidId('buildId', '../etc')).toThrowError(
      expect.objectContaining({
        code: ErrorCode.BAD_USER_INPUT,
        message: expect.stringContaining('buildId'),
      }),
    );
  });

  it('shortens a long value in the message', () => {
    let message = '';
    try {
      assertValidId('projectId', `/${'a'.repeat(5000)}`);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.length).toBeLessThan(300);
  });
});
