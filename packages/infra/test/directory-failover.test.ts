/** Logins through a directory outage: each Open OnDemand node's Dex server list, and the health check that follows it. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OOD_HEALTH_CHECK_PATH } from '@hpc-ha/ondemand-config';
import { describe, expect, it } from 'vitest';
import { ondemandBootstrapSpec, placeholderValues } from '../src/artifacts/index.js';
import { parseDeploymentConfig, portalTarget } from '../src/config/index.js';
import { REPO_ROOT } from './support/synth.js';

const config = parseDeploymentConfig(readFileSync(join(REPO_ROOT, 'examples', 'cn-north-1-ondemand.yaml'), 'utf8'), 'hpc-ha.yaml');
const values = placeholderValues(config);

describe('Dex’s directory servers per node', () => {
  it('each node asks its own AZ’s server first and fails over to the other', () => {
    expect(ondemandBootstrapSpec(config, values, 1).portal.dexLdap).toMatchObject({ host: '10.0.128.10:636', failoverHosts: ['10.0.192.10:636'] });
    expect(ondemandBootstrapSpec(config, values, 2).portal.dexLdap).toMatchObject({ host: '10.0.192.10:636', failoverHosts: ['10.0.128.10:636'] });
  });

  it('the load balancer checks the health file the nodes keep, and counts only 200 (not the redirect every other path gets)', () => {
    expect(portalTarget(config)).toMatchObject({ port: 443, healthCheckPath: OOD_HEALTH_CHECK_PATH, healthyHttpCodes: '200' });
    expect(OOD_HEALTH_CHECK_PATH).toBe('/public/hpc-ha-health');
    expect(portalTarget({ portal: { kind: 'enginframe' } })).toMatchObject({ port: 8443, healthCheckPath: '/enginframe/', healthyHttpCodes: '200-399' });
  });
});
