import { enginframePortal, parseDeploymentConfig, REGION_PROFILES } from '@hpc-ha/infra/config';
import { describe, expect, it } from 'vitest';
import { placeholderSecretArn, renderInitConfig, type InitAnswers } from './init-template.js';

function answers(region: string): InitAnswers {
  const p = REGION_PROFILES[region]!;
  return {
    name: 'lab',
    region,
    partition: p.partition,
    availabilityZones: [p.availabilityZones[0]!, p.availabilityZones[1]!],
    internetFacing: p.defaultInternetFacing,
    allowedCidrs: ['10.0.0.0/8'],
    portalInstanceType: 'm5.xlarge',
    installerUri: `s3://b-${region}/enginframe-2021.0-r1667.jar`,
    jdbcDriverUri: `s3://b-${region}/jdbc.jar`,
    fsxDeploymentType: p.defaultFsxDeploymentType,
    schemaRef: '../schema/hpc-ha.schema.json',
  };
}

describe('renderInitConfig', () => {
  it.each(Object.keys(REGION_PROFILES))('gives a config that loads for %s', (region) => {
    const config = parseDeploymentConfig(renderInitConfig(answers(region)), 'hpc-ha.yaml');
    expect(config.region).toBe(region);
    expect(enginframePortal(config).adminPasswordSecretArn).toBe(placeholderSecretArn(config.partition, region));
  });

  it('is deterministic and uses the given secret ARN without the placeholder note', () => {
    const a = { ...answers('cn-north-1'), adminPasswordSecretArn: 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:x-AbCdEf' };
    const text = renderInitConfig(a);
    expect(renderInitConfig(a)).toBe(text);
    expect(text).toContain('adminPasswordSecretArn: arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:x-AbCdEf');
    expect(text).not.toContain('PLACEHOLDER');
  });
});
