import v8 from 'node:v8';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { limitHeapGrowth } from '../../src/heap-growth.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('limitHeapGrowth', () => {
  it('sets --heap-growing-percent=50', () => {
    const setFlags = vi.spyOn(v8, 'setFlagsFromString').mockImplementation(() => undefined);

    limitHeapGrowth([]);

    expect(setFlags).toHaveBeenCalledWith('--heap-growing-percent=50');
  });

  it.each([['--heap-growing-percent=30'], ['--heap_growing_percent=30']])(
    'leaves %s from the command line alone',
    (flag) => {
      const setFlags = vi.spyOn(v8, 'setFlagsFromString').mockImplementation(() => undefined);

      limitHeapGrowth([flag]);

      expect(setFlags).not.toHaveBeenCalled();
    },
  );
});
