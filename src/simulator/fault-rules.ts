import type { Fault, FaultRule } from './faults.js';

/** The request properties that fault rules are matched against. */
export interface FaultTarget {
  buildId: string;
  /** Whether the connection served an earlier request before this one. */
  reusedSocket: boolean;
}

interface ActiveRule {
  rule: FaultRule;
  /** Matching requests left before the rule is removed; Infinity when `times` is unset. */
  remaining: number;
}

/** The active fault rules, checked in the order they were added. */
export class FaultRules {
  #rules: ActiveRule[] = [];

  add(rule: FaultRule): void {
    this.#rules.push({ rule, remaining: rule.times ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.#rules = [];
  }

  get size(): number {
    return this.#rules.length;
  }

  /**
   * Returns the fault of the first rule that matches `target` and counts one use against its
   * `times`, removing the rule when none are left. Returns undefined when no rule matches.
   */
  take(target: FaultTarget): Fault | undefined {
    const index = this.#rules.findIndex((active) => matches(active.rule, target));
    const active = this.#rules[index];
    if (active === undefined) return undefined;

    active.remaining -= 1;
    if (active.remaining <= 0) this.#rules.splice(index, 1);
    return active.rule.fault;
  }
}

function matches(rule: FaultRule, target: FaultTarget): boolean {
  if (rule.buildId !== undefined && rule.buildId !== target.buildId) return false;
  if (rule.fault.kind === 'reset-reused-socket') return target.reusedSocket;
  return true;
}
