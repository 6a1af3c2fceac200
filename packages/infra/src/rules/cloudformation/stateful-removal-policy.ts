import { CfnDeletionPolicy, type CfnResource } from 'aws-cdk-lib';
import { CfnDBInstance } from 'aws-cdk-lib/aws-rds';
import { NagRuleCompliance } from 'cdk-nag';
import { SNAPSHOT_RESOURCE_TYPES, STATEFUL_RESOURCE_TYPES } from '../../config/stateful.js';
import type { DeployTimeRule } from '../rule.js';

/** Context key addDeploymentStacks sets from the config's `disposable`: Delete is then a deliberate choice. */
export const DISPOSABLE_CONTEXT = 'hpc-ha:disposable';

const KEEPS: readonly string[] = [CfnDeletionPolicy.RETAIN, CfnDeletionPolicy.SNAPSHOT, CfnDeletionPolicy.RETAIN_EXCEPT_ON_CREATE];

/**
 * Every resource that holds data (config/stateful.ts) has its DeletionPolicy and UpdateReplacePolicy set on purpose:
 * Retain or Snapshot, or Delete only in a deployment marked `disposable: true`. CloudFormation's default is Delete,
 * so a stack deletion, a replacement or a resource moved between stacks would otherwise delete the data with it.
 */
export const cfnStatefulRemovalPolicy: DeployTimeRule = {
  id: 'StatefulRemovalPolicy',
  info:
    'A resource that holds data has no DeletionPolicy/UpdateReplacePolicy chosen on purpose. Set removalPolicy: statefulRemovalPolicy(config) ' +
    '(RETAIN; statefulRemovalPolicy(config, RemovalPolicy.SNAPSHOT) for databases and volumes) on the construct, or call ' +
    'resource.applyRemovalPolicy(statefulRemovalPolicy(config)) on it (packages/infra/src/stacks/common.ts).',
  explanation:
    "CloudFormation's default for both is Delete: deleting the stack, replacing the resource (a create-only property changed) or moving it to another " +
    'stack would delete file systems, databases, secrets, keys or logs with their data. Retain or Snapshot keeps them; Delete is allowed only with ' +
    '`disposable: true`. Source: AWS CloudFormation User Guide, "DeletionPolicy attribute" and "UpdateReplacePolicy attribute".',
  check(node: CfnResource) {
    if (!STATEFUL_RESOURCE_TYPES.includes(node.cfnResourceType)) return NagRuleCompliance.NOT_APPLICABLE;
    // An Aurora cluster's instance holds no data of its own (the cluster's policy keeps it; CloudFormation does not
    // snapshot Aurora instances).
    if (node instanceof CfnDBInstance && node.dbClusterIdentifier !== undefined) return NagRuleCompliance.NOT_APPLICABLE;
    const disposable = node.node.tryGetContext(DISPOSABLE_CONTEXT) === true;
    const policies = { DeletionPolicy: node.cfnOptions.deletionPolicy, UpdateReplacePolicy: node.cfnOptions.updateReplacePolicy };
    const findings: string[] = [];
    for (const [attr, value] of Object.entries(policies)) {
      if (value === undefined) findings.push(`${attr} unset (CloudFormation deletes by default)`);
      else if (value === CfnDeletionPolicy.SNAPSHOT && !SNAPSHOT_RESOURCE_TYPES.includes(node.cfnResourceType)) findings.push(`${attr} Snapshot is not supported by ${node.cfnResourceType}: use Retain`);
      else if (!disposable && !KEEPS.includes(value)) findings.push(`${attr} ${value} without disposable: true`);
    }
    return findings.length ? findings : NagRuleCompliance.COMPLIANT;
  },
};
