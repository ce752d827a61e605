import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isEnumType, isObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { getSchema, printSortedSchema } from '../../src/schema/index.js';

const SCHEMA_FILE = fileURLToPath(new URL('../../schema.graphql', import.meta.url));

describe('schema', () => {
  it('matches the committed schema.graphql (run npm run schema after a change)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(printSortedSchema());
  });

  it('describes every type, field and enum value', () => {
    const missing: string[] = [];
    for (const type of Object.values(getSchema().getTypeMap())) {
      if (
        type.name.startsWith('__') ||
        ['String', 'Boolean', 'ID', 'Int', 'Float'].includes(type.name)
      ) {
        continue;
      }
      if (!type.description) missing.push(type.name);
      if (isObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const arg of field.args) {
            if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
          }
        }
      }
      if (isEnumType(type)) {
        for (const value of type.getValues()) {
          if (!value.description) missing.push(`${type.name}.${value.name}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('makes only the three ids of Build non-null', () => {
    const build = getSchema().getType('Build');
    if (!isObjectType(build)) throw new Error('Build is not an object type');

    const nonNull = Object.values(build.getFields())
      .filter((field) => field.type.toString().endsWith('!'))
      .map((field) => field.name)
      .sort();
    expect(nonNull).toEqual(['id', 'projectId', 'serviceId']);
  });

  it('lists the 13 documented statuses plus UNKNOWN', () => {
    const status = getSchema().getType('BuildStatus');
    if (!isEnumType(status)) throw new Error('BuildStatus is not an enum');

    expect(
      status
        .getValues()
        .map((value) => value.name)
        .sort(),
    ).toEqual([
      'ABORTED',
      'BUILDING',
      'CLONING',
      'CRASHED',
      'FAILURE',
      'IN_PROGRESS',
      'PENDING',
      'QUEUED',
      'STARTING',
      'SUBMISSION_FAILURE',
      'SUCCESS',
      'UNKNOWN',
      'UNSCHEDULABLE',
      'UPLOADING',
    ]);
  });
});
