import type { CfnResource } from 'aws-cdk-lib';
import type { NagMessageLevel} from 'cdk-nag';
import { type NagRuleResult } from 'cdk-nag';

/**
 * One deploy-time rule: what AWS (or ParallelCluster) itself refuses, checked on the construct tree at synth.
 * `check` returns findings (each names the measured value and the limit, so the synth error says both), or
 * NagRuleCompliance.NOT_APPLICABLE / COMPLIANT.
 */
export interface DeployTimeRule {
  /** Suffix of the rule id: the full id is `HpcHa-<id>` (acknowledge it like any cdk-nag rule, with a reason). */
  readonly id: string;
  /** What the finding means, with the limit. */
  readonly info: string;
  /** Why the rule exists: the service refusing it, and the source (quota page or validator). */
  readonly explanation: string;
  readonly level?: NagMessageLevel;
  check(node: CfnResource): NagRuleResult;
}

/** Digits grouped as IAM and the quota pages write them (6,144). */
export const fmt = (n: number): string => n.toLocaleString('en-US');
