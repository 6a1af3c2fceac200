import { vi } from 'vitest';
import { describePortalNodeScenarios } from '../../../tools/test-harness/portal-node-scenarios.js';
import { createWorld } from '../../../tools/test-harness/portal-node-sim.js';
import { renderOodBootstrap, type OodBootstrapSpec } from '../src/index.js';
import { bootstrapSpec } from './support/specs.js';

// The shared portal-node scenario matrix, run for the Open OnDemand portal.
vi.setConfig({ testTimeout: 180_000 });

const base = bootstrapSpec();
// Dex binds with its own secret here, so a rotated sssd bind password is sssd's change alone.
const DEX_BIND = 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:corp/dex-bind-QwErTy';

function spec(index: 1 | 2, sssdChanged: boolean, remoteMountSeconds?: number): OodBootstrapSpec {
  const directory = base.directory!;
  return bootstrapSpec({
    nodeIndex: index,
    ownCluster: `cluster${index}`,
    timeouts: { clusterPublicationSeconds: 2, pollSeconds: 1, packageSourceSeconds: 5, ...(remoteMountSeconds ? { remoteMountSeconds } : {}) },
    signal: { stackName: 'hpc-ha-OpenOnDemand', logicalResourceId: `Node${index}Asg` },
    directory: sssdChanged ? { ...directory, sssd: { ...directory.sssd, ldapUris: [...directory.sssd.ldapUris, 'ldaps://ldap3.corp.example.cn'] } } : directory,
    secrets: { ...base.secrets, ldapBindPassword: { secretArn: DEX_BIND } },
  });
}

describePortalNodeScenarios(
  {
    kind: 'openondemand',
    node: { logFile: 'var/log/hpc-ha/ondemand-bootstrap.log' },
    newWorld: () => {
      const world = createWorld();
      world.secret(base.secrets.oidcCryptoPassphrase.secretArn, 'CANARY-passphrase');
      world.secret(base.directory!.bindPasswordSecretArn, 'CANARY-bind-password');
      world.secret(DEX_BIND, 'CANARY-dex-bind-password');
      world.secret(base.mungeKeySecretArn, Buffer.concat([Buffer.from('CANARY-munge-key-'), Buffer.alloc(100, 7)]).toString('base64'));
      return world;
    },
    render: (index, change = {}) => renderOodBootstrap(spec(index, change.sssdChanged === true, change.remoteMountSeconds)),
    portalRestart: 'httpd ondemand-dex',
    selfCopy: '/usr/local/sbin/hpc-ha-ondemand-bootstrap',
    bindPasswordSecretArn: base.directory!.bindPasswordSecretArn,
    mungeKeySecretArn: base.mungeKeySecretArn,
    imdsServiceUids: [],
  },
  16759,
);
