import { createHash } from 'node:crypto';
import { type BuildStatus, FINAL_STATUSES, STATUS_MESSAGES } from './statuses.js';

/** A build as the simulator serves it in `{"data": ...}`, shaped like Northflank's get-build response. */
export interface SimulatedBuild {
  id: string;
  branch: string;
  pullRequestId?: number;
  status: BuildStatus;
  /** Commit that was built, 40 hex digits. */
  sha: string;
  registry?: { uri: string };
  concluded: boolean;
  /** ISO 8601 time the build started. */
  createdAt: string;
  success: boolean;
  message: string;
  /** Unix time in seconds at which the build concluded, only on concluded builds. */
  buildConcludedAt?: number;
}

/** The facts from which {@link createBuild} derives the remaining fields. */
export interface BuildFacts {
  id: string;
  branch: string;
  status: BuildStatus;
  /** Unix time in ms at which the build started. */
  createdAtMs: number;
  /** Duration in ms from start to conclusion, read only for final statuses. */
  runMs: number;
  pullRequestId?: number;
  registryUri?: string;
  /** Commit that was built; derived from the id when omitted. */
  sha?: string;
}

/**
 * Builds the served fields from `facts`. Final statuses get `concluded: true` and a
 * `buildConcludedAt` in Unix seconds, and only SUCCESS gets `success: true`.
 */
export function createBuild(facts: BuildFacts): SimulatedBuild {
  const concluded = FINAL_STATUSES.has(facts.status);
  const build: SimulatedBuild = {
    id: facts.id,
    branch: facts.branch,
    status: facts.status,
    sha: facts.sha ?? shaFor(facts.id),
    concluded,
    createdAt: new Date(facts.createdAtMs).toISOString(),
    success: facts.status === 'SUCCESS',
    message: STATUS_MESSAGES[facts.status],
  };

  if (facts.pullRequestId !== undefined) build.pullRequestId = facts.pullRequestId;
  if (facts.registryUri !== undefined) build.registry = { uri: facts.registryUri };
  if (concluded) build.buildConcludedAt = Math.floor((facts.createdAtMs + facts.runMs) / 1000);

  return build;
}

/** Returns a stable, realistic-looking commit sha (40 hex digits) derived from `seed`. */
export function shaFor(seed: string): string {
  return createHash('sha1').update(seed).digest('hex');
}
