import { accountingEnabled, createsDatabase, parseDeploymentConfig, REGION_PROFILES } from '@hpc-ha/infra/config';
import { describe, expect, it } from 'vitest';
import { renderInitConfig, type InitAnswers } from './init-template.js';

const answers = (portalKind: 'enginframe' | 'openondemand'): InitAnswers => {
  const p = REGION_PROFILES['cn-north-1']!;
  return {
    name: 'lab',
    region: 'cn-north-1',
    partition: p.partition,
    availabilityZones: [p.availabilityZones[0]!, p.availabilityZones[1]!],
    internetFacing: p.defaultInternetFacing,
    allowedCidrs: ['10.0.0.0/8'],
    portalInstanceType: 'm5.xlarge',
    installerUri: 's3://b-cn-north-1/enginframe-2021.0-r1667.jar',
    jdbcDriverUri: 's3://b-cn-north-1/jdbc.jar',
    fsxDeploymentType: p.defaultFsxDeploymentType,
    schemaRef: '../schema/hpc-ha.schema.json',
    portalKind,
  };
};

describe('hpc-ha init: Slurm accounting is on for new configs', () => {
  it.each(['enginframe', 'openondemand'] as const)('%s: accounting enabled, so the deployment creates Aurora', (kind) => {
    const config = parseDeploymentConfig(renderInitConfig(answers(kind)), 'hpc-ha.yaml');
    expect(accountingEnabled(config)).toBe(true);
    expect(createsDatabase(config)).toBe(true);
  });

  it('Open OnDemand: Aurora at Serverless v2\'s smallest capacities (0.5 to 1 ACU)', () => {
    const config = parseDeploymentConfig(renderInitConfig(answers('openondemand')), 'hpc-ha.yaml');
    expect(config.database).toMatchObject({ mode: 'serverless-v2', minCapacity: 0.5, maxCapacity: 1 });
  });

  it('a file without the key keeps accounting off (running clusters are not changed by an upgrade of hpc-ha)', () => {
    const text = renderInitConfig(answers('enginframe')).replace(/\naccounting:\n {2}enabled: true\n/, '\n');
    expect(accountingEnabled(parseDeploymentConfig(text, 'hpc-ha.yaml'))).toBe(false);
  });
});
