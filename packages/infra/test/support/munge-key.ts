import { expect } from 'vitest';
import { resourceAt, resourcesOfType, type CfnTemplate, type Synthesized } from './synth.js';

/** A value as the stack that defines it sees it: `Fn::ImportValue` followed to the exporting stack's output. */
export function resolveAcrossStacks(s: Synthesized, stackId: string, value: unknown): { stackId: string; value: unknown } {
  const imported = value && typeof value === 'object' ? (value as Record<string, unknown>)['Fn::ImportValue'] : undefined;
  if (typeof imported === 'string') {
    for (const [id, t] of Object.entries(s.templates)) {
      for (const out of Object.values(t.Outputs ?? {})) {
        if (out.Export?.Name === imported) return resolveAcrossStacks(s, id, out.Value);
      }
    }
  }
  return { stackId, value };
}

/** Every string in a template (keys and values), for scans. */
export function templateStrings(node: unknown, out: string[] = []): string[] {
  if (typeof node === 'string') out.push(node);
  else if (Array.isArray(node)) node.forEach((n) => templateStrings(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      out.push(k);
      templateStrings(v, out);
    }
  }
  return out;
}

/**
 * Strings that could be a munge key (base64 of at least 32 bytes). Hex digests (asset hashes) and the template's
 * own names (resources, parameters, ..., which Ref, GetAtt and DependsOn repeat) are excluded: same alphabet.
 */
export function keyLikeStrings(t: CfnTemplate): string[] {
  const sections = t as CfnTemplate & { Parameters?: object; Conditions?: object; Mappings?: object };
  const ids = new Set([t.Resources, t.Outputs, sections.Parameters, sections.Conditions, sections.Mappings].flatMap((x) => Object.keys(x ?? {})));
  // Policy statement ids are names too (aws-cdk-lib derives some from construct paths, e.g. a dead-letter queue's).
  for (const sid of statementIds(t)) ids.add(sid);
  return templateStrings(t).filter(
    (s) => s.length >= 44 && /^[A-Za-z0-9+/\r\n]+={0,2}$/.test(s) && !/^[0-9a-f]+$/i.test(s) && !ids.has(s),
  );
}

/** Every `Sid` of every policy statement in a template. */
function statementIds(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => statementIds(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'Sid' && typeof v === 'string') out.push(v);
      else statementIds(v, out);
    }
  }
  return out;
}

interface Located {
  stackId: string;
  logicalId: string;
}

/**
 * The deployment's munge key, checked across all its stacks: one `Custom::MungeKey` filling one secret created
 * without a value, no key-like string in any template, and that same key (the resource's `SecretArn` attribute, so
 * each reader waits until the key is written) in both clusters' configuration and both portal nodes' user data,
 * with the portal role allowed to read that secret.
 */
export function expectOneSharedMungeKey(s: Synthesized): void {
  const keys: Located[] = Object.entries(s.templates).flatMap(([stackId, t]) =>
    resourcesOfType(t, 'Custom::MungeKey').map(([logicalId]) => ({ stackId, logicalId })),
  );
  expect(keys).toHaveLength(1);
  const key = keys[0]!;
  const keyResource = s.templates[key.stackId]!.Resources[key.logicalId]!;
  const secretRef = keyResource.Properties.SecretArn as { Ref: string };
  const secret = resourceAt(s, { stackId: key.stackId, logicalId: secretRef.Ref });
  expect(secret?.Type).toBe('AWS::SecretsManager::Secret');
  // Created empty: no value and no generated placeholder; only the custom resource ever writes one.
  expect(secret?.Properties).not.toHaveProperty('SecretString');
  expect(secret?.Properties).not.toHaveProperty('GenerateSecretString');
  for (const [stackId, t] of Object.entries(s.templates)) expect(keyLikeStrings(t), stackId).toEqual([]);

  const isTheKey = (stackId: string, value: unknown): boolean => {
    const r = resolveAcrossStacks(s, stackId, value);
    return r.stackId === key.stackId && JSON.stringify(r.value) === JSON.stringify({ 'Fn::GetAtt': [key.logicalId, 'SecretArn'] });
  };
  const isTheSecret = (stackId: string, value: unknown): boolean => {
    const r = resolveAcrossStacks(s, stackId, value);
    return r.stackId === key.stackId && JSON.stringify(r.value) === JSON.stringify(secretRef);
  };

  const clusters = Object.entries(s.templates).flatMap(([stackId, t]) =>
    resourcesOfType(t, 'Custom::PclusterCluster').map(([, c]) => ({ stackId, arn: c.Properties.ClusterConfiguration.Scheduling.SlurmSettings.MungeKeySecretArn })),
  );
  if (s.config.clusters.provisioner === 'cloudformation') {
    expect(clusters).toHaveLength(2);
    for (const c of clusters) expect(isTheKey(c.stackId, c.arn), JSON.stringify(c.arn)).toBe(true);
  } else {
    expect(clusters).toEqual([]);
  }

  const portal = s.templates['EnginFrame']!;
  const launchTemplates = resourcesOfType(portal, 'AWS::EC2::LaunchTemplate');
  expect(launchTemplates).toHaveLength(2);
  for (const [id, lt] of launchTemplates) {
    const parts = lt.Properties.LaunchTemplateData.UserData['Fn::Base64']['Fn::Join'][1] as unknown[];
    // The portal decodes the key itself; in instance mode its user data also carries both clusters' configs.
    const uses = parts.filter((p) => isTheKey('EnginFrame', p)).length;
    expect(uses, id).toBeGreaterThanOrEqual(s.config.clusters.provisioner === 'instance' ? 2 : 1);
  }
  const statements = resourcesOfType(portal, 'AWS::IAM::Policy')
    .filter(([id]) => id.startsWith('NodeRole'))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as { Sid?: string; Resource: unknown[] }[]);
  const readSecrets = statements.find((st) => st.Sid === 'ReadSecrets');
  expect(readSecrets?.Resource.some((r) => isTheSecret('EnginFrame', r))).toBe(true);
}
