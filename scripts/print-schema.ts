import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printSortedSchema } from '../src/schema/index.js';

// Writes schema.graphql at the repository root, so schema changes show up in review.
const target = fileURLToPath(new URL('../schema.graphql', import.meta.url));
writeFileSync(target, printSortedSchema());
process.stdout.write(`Wrote ${target}\n`);
