import { vi } from 'vitest';
import { describePortalNodeScenarios } from '../../../tools/test-harness/portal-node-scenarios.js';
import { renderPortalBootstrap, type PortalBootstrapSpec } from '../src/index.js';
import { EF_NODE, newWorld, testSpec, useDatabase } from './support/portal-fixtures.js';

// The shared portal-node scenario matrix, run for the EnginFrame portal.
vi.setConfig({ testTimeout: 180_000 });
const DB_PORT = 16757;
useDatabase(DB_PORT);

const BIND_SECRET = 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:hpcha/ldap-bind-AbCdEf';
const directory = (changed: boolean): NonNullable<PortalBootstrapSpec['directory']> => ({
  directoryType: 'ldap',
  sssd: {
    schema: 'rfc2307',
    ldapUris: ['ldaps://ldap1.corp.example.cn', 'ldaps://ldap2.corp.example.cn', ...(changed ? ['ldaps://ldap3.corp.example.cn'] : [])],
    searchBase: 'dc=corp,dc=example,dc=cn',
    bindDn: 'cn=readonly,dc=corp,dc=example,dc=cn',
    homeDirectory: '/efs/home/%u',
  },
  bindPasswordSecretArn: BIND_SECRET,
  homeRoot: '/efs/home',
});

describePortalNodeScenarios(
  {
    kind: 'enginframe',
    node: EF_NODE,
    newWorld: () => {
      const world = newWorld();
      world.secret(BIND_SECRET, 'CANARY-bind-password');
      return world;
    },
    render: (index, change = {}) =>
      renderPortalBootstrap(
        testSpec(index, DB_PORT, {
          directory: directory(change.sssdChanged === true),
          timeouts: { clusterPublicationSeconds: 3, installMarkerSeconds: 2, pollSeconds: 1, ...(change.remoteMountSeconds ? { remoteMountSeconds: change.remoteMountSeconds } : {}) },
        }),
      ),
    portalRestart: 'enginframe',
    selfCopy: '/usr/local/sbin/hpc-ha-portal-bootstrap',
    bindPasswordSecretArn: BIND_SECRET,
    mungeKeySecretArn: testSpec(1, DB_PORT).mungeKeySecretArn,
    imdsServiceUids: [5001],
  },
  16758,
);
