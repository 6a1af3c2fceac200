/**
 * Updates ParallelCluster accepts: a head-node script change must only touch OnNodeUpdated (update policy
 * SUPPORTED), never the head node's OnNodeConfigured (UNSUPPORTED), and queue changes apply with
 * QueueUpdateStrategy instead of a stopped fleet.
 */
import { describe, expect, it } from 'vitest';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { renderCustomActionRunner } from '@hpc-ha/pcluster-config';
import { clusterArtifacts, placeholderValues, scriptRevision, staticArtifacts, SRUN_PORT_RANGE } from '../src/artifacts/index.js';
import { ClusterScripts } from '../src/constructs/cluster-scripts.js';
import { variantConfig } from './support/synth.js';

const config = variantConfig('cn-north-1', {});

describe('head-node custom actions through the runner', () => {
  const values = placeholderValues(config);
  const clusters = clusterArtifacts(config, values);

  it('OnNodeConfigured is the runner and the parameter name: nothing in it depends on the script text', () => {
    clusters.forEach((c, i) => {
      const actions = (c.config as any).HeadNode.CustomActions;
      expect(actions.OnNodeConfigured).toEqual({ Script: values.customActionRunnerUri, Args: [config.region, values.headNodeScriptParameters![i]] });
    });
  });

  it("OnNodeUpdated carries the script's revision, so a new script is an update ParallelCluster allows and runs", () => {
    clusters.forEach((c, i) => {
      const actions = (c.config as any).HeadNode.CustomActions;
      expect(actions.OnNodeUpdated).toEqual({
        Script: values.customActionRunnerUri,
        Args: [config.region, values.headNodeScriptParameters![i], scriptRevision(c.headNodeScript!)],
      });
    });
    expect(scriptRevision('a')).not.toBe(scriptRevision('b'));
  });

  it('sets QueueUpdateStrategy DRAIN and the srun port range the portal group admits', () => {
    for (const c of clusters) {
      const slurm = (c.config as any).Scheduling.SlurmSettings;
      expect(slurm.QueueUpdateStrategy).toBe('DRAIN');
      expect(slurm.CustomSlurmSettings).toEqual([{ SrunPortRange: `${SRUN_PORT_RANGE.from}-${SRUN_PORT_RANGE.to}` }]);
    }
  });

  it('ClusterScripts: one runner asset, a parameter per cluster holding the head script URL, readable by the nodes', () => {
    const stack = new Stack(new App(), 'Scripts', { env: { region: 'cn-north-1' } });
    const scripts = new ClusterScripts(stack, 'ClusterScripts', { artifacts: staticArtifacts(config) });
    expect(staticArtifacts(config).customActionRunner).toBe(renderCustomActionRunner());
    const t = Template.fromStack(stack);
    const params = t.findResources('AWS::SSM::Parameter');
    expect(Object.keys(params)).toHaveLength(2);
    expect(Object.values(params).map((p: any) => JSON.stringify(p.Properties.Value))).toEqual(
      [0, 1].map((i) => JSON.stringify(stack.resolve(scripts.headNode![i]!.s3ObjectUrl))),
    );
    const policy = Object.values(t.findResources('AWS::IAM::ManagedPolicy'))[0] as any;
    const read = policy.Properties.PolicyDocument.Statement.find((s: any) => s.Sid === 'ReadHeadNodeScriptLocation');
    expect(read.Action).toBe('ssm:GetParameter');
    expect(read.Resource).toHaveLength(2);
    expect(stack.resolve(scripts.customActionRunnerUri)).toBeDefined();
  });

  it('2.x keeps its post_install script (2.x has neither OnNodeUpdated nor QueueUpdateStrategy)', () => {
    const legacy = variantConfig('cn-northwest-1', { 'clusters.parallelclusterVersion': '2.11.9', 'clusters.os': 'alinux2', 'clusters.provisioner': 'instance', 'portal.keyName': 'k' });
    expect(staticArtifacts(legacy).customActionRunner).toBeUndefined();
    expect(placeholderValues(legacy).customActionRunnerUri).toBeUndefined();
  });
});
