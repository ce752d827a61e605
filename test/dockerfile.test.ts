import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// There is no Docker engine in CI, so these tests read the Dockerfile as text and check the
// properties the deployment relies on. The runtime behaviour itself is checked by
// scripts/check-runtime-image.sh, which runs the runtime stage's steps without Docker.

interface Instruction {
  keyword: string;
  args: string;
}

interface Stage {
  image: string;
  name: string | undefined;
  instructions: Instruction[];
}

function readProjectFile(name: string): string {
  return readFileSync(new URL(`../${name}`, import.meta.url), 'utf8');
}

/** Splits a Dockerfile into instructions, joining continuation lines and dropping comments. */
function parseInstructions(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending = '';

  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line.startsWith('#')) continue;

    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }

    const joined = (pending + line).trim();
    pending = '';
    if (joined === '') continue;

    const match = /^(\S+)\s*(.*)$/.exec(joined);
    if (match?.[1] === undefined) continue;
    instructions.push({ keyword: match[1].toUpperCase(), args: match[2] ?? '' });
  }

  return instructions;
}

/** Groups the instructions into stages, each starting at a FROM. */
function parseStages(text: string): Stage[] {
  const stages: Stage[] = [];

  for (const instruction of parseInstructions(text)) {
    if (instruction.keyword === 'FROM') {
      // Flags such as --platform come before the image name.
      const words = instruction.args.split(/\s+/).filter((word) => !word.startsWith('--'));
      const asIndex = words.findIndex((word) => word.toUpperCase() === 'AS');
      stages.push({
        image: words[0] ?? '',
        name: asIndex === -1 ? undefined : words[asIndex + 1],
        instructions: [],
      });
      continue;
    }
    stages.at(-1)?.instructions.push(instruction);
  }

  return stages;
}

function argsOf(stage: Stage, keyword: string): string[] {
  return stage.instructions
    .filter((instruction) => instruction.keyword === keyword)
    .map((instruction) => instruction.args);
}

/** Reads `ENV KEY=value KEY2=value2` and the older `ENV KEY value` form. */
function parseEnv(stage: Stage): Map<string, string> {
  const env = new Map<string, string>();

  for (const args of argsOf(stage, 'ENV')) {
    if (!args.includes('=')) {
      const [key, ...value] = args.split(/\s+/);
      if (key !== undefined) env.set(key, value.join(' '));
      continue;
    }
    for (const match of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S*)/g)) {
      const [, key, value] = match;
      if (key !== undefined && value !== undefined) env.set(key, value.replace(/^"|"$/g, ''));
    }
  }

  return env;
}

/** Returns the command of an exec-form (JSON array) instruction, or undefined for shell form. */
function parseExecForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;

  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((part) => typeof part === 'string')) {
    throw new Error(`Expected a JSON array of strings, received ${args}`);
  }
  return parsed;
}

/** Returns the program a HEALTHCHECK runs, after its options and the CMD keyword. */
function healthcheckProgram(args: string): string | undefined {
  const command = args.replace(/^(--\S+\s+)*/, '');
  if (!command.toUpperCase().startsWith('CMD ')) return undefined;

  const rest = command.slice('CMD '.length).trim();
  return parseExecForm(rest)?.[0] ?? rest.split(/\s+/)[0];
}

const stages = parseStages(readProjectFile('Dockerfile'));
const buildStage = stages[0];
const runtimeStage = stages.at(-1);

if (buildStage === undefined || runtimeStage === undefined) {
  throw new Error('Dockerfile contains no FROM instruction');
}

describe('Dockerfile', () => {
  it('has at least two stages', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
  });

  it('bases every stage on node:22', () => {
    for (const stage of stages) {
      expect(stage.image).toMatch(/^node:22(-|@|$)/);
    }
  });

  it('builds with dev dependencies', () => {
    const runs = argsOf(buildStage, 'RUN');

    expect(runs.some((run) => /\bnpm ci\b/.test(run) && !run.includes('--omit=dev'))).toBe(true);
    expect(runs.some((run) => run.includes('npm run build'))).toBe(true);
  });

  it('installs production dependencies only', () => {
    const runs = argsOf(runtimeStage, 'RUN');
    const copies = argsOf(runtimeStage, 'COPY');

    expect(copies.some((copy) => copy.includes('package-lock.json'))).toBe(true);
    expect(runs.some((run) => /\bnpm ci\b.*--omit=dev/.test(run))).toBe(true);
    expect(runs.some((run) => /\bnpm (install|i)\b/.test(run))).toBe(false);
  });

  it('copies dist from the build stage', () => {
    const copies = argsOf(runtimeStage, 'COPY');
    const fromBuild = `--from=${buildStage.name}`;

    expect(buildStage.name).toBeDefined();
    expect(copies.some((copy) => copy.startsWith(fromBuild) && copy.includes('dist'))).toBe(true);
  });

  it('runs as a non-root user', () => {
    const user = argsOf(runtimeStage, 'USER').at(-1);

    expect(user).toBeDefined();
    expect(user?.split(':')[0]).not.toMatch(/^(root|0)$/);
  });

  it('sets NODE_ENV, HOST and PORT', () => {
    const env = parseEnv(runtimeStage);

    expect(env.get('NODE_ENV')).toBe('production');
    expect(env.get('HOST')).toBe('0.0.0.0');
    expect(env.get('PORT')).toBe('4000');
  });

  it('exposes port 4000', () => {
    const ports = argsOf(runtimeStage, 'EXPOSE').flatMap((args) => args.split(/\s+/));

    expect(ports).toContain('4000');
  });

  it('checks /healthz with node', () => {
    const healthcheck = argsOf(runtimeStage, 'HEALTHCHECK').at(-1);

    expect(healthcheck).toBeDefined();
    expect(healthcheckProgram(healthcheck ?? '')).toBe('node');
    expect(healthcheck).toContain('http://127.0.0.1:');
    expect(healthcheck).toContain('/healthz');
  });

  it('starts node in exec form', () => {
    const cmd = argsOf(runtimeStage, 'CMD').at(-1) ?? '';
    const command = parseExecForm(cmd);

    expect(command).toEqual(['node', 'dist/main.js']);
    expect(cmd).not.toContain('npm');
    expect(argsOf(runtimeStage, 'ENTRYPOINT')).toEqual([]);
  });
});

describe('.dockerignore', () => {
  const entries = readProjectFile('.dockerignore')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));

  it.each(['node_modules', 'dist', '.git', '.env'])('excludes %s', (entry) => {
    expect(entries).toContain(entry);
  });
});
