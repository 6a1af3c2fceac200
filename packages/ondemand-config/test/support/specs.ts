import type { OodBootstrapSpec, OodPortalSpec } from '../../src/index.js';

export const ALB = 'internal-hpc-ha-alb-1234567890.cn-north-1.elb.amazonaws.com.cn';

/** A portal with Dex binding to an OpenLDAP directory, as infra renders it for node 1. */
export function dexPortal(overrides: Partial<OodPortalSpec> = {}): OodPortalSpec {
  return {
    serverName: ALB,
    idleTimeoutSeconds: 3600,
    title: 'HPC Portal',
    dexLdap: {
      directoryType: 'ldap',
      host: 'ldap1.corp.example.cn:636',
      bindDn: 'cn=readonly,dc=corp,dc=example,dc=cn',
      userBaseDn: 'ou=people,dc=corp,dc=example,dc=cn',
      groupBaseDn: 'ou=groups,dc=corp,dc=example,dc=cn',
    },
    ...overrides,
  };
}

/** A cn-north-1 node spec with concrete values (as after deployment). */
export function bootstrapSpec(overrides: Partial<OodBootstrapSpec> = {}): OodBootstrapSpec {
  return {
    region: 'cn-north-1',
    partition: 'aws-cn',
    urlSuffix: 'amazonaws.com.cn',
    nodeIndex: 1,
    efs: { fileSystemId: 'fs-0123456789abcdef0' },
    fsx: [
      { fileSystemId: 'fs-0aaaaaaaaaaaaaaa1', dnsName: 'fs-0aaaaaaaaaaaaaaa1.fsx.cn-north-1.amazonaws.com.cn', mountName: 'abcdefgh', mountDir: '/fsx_cluster1', cluster: 'cluster1' },
      { fileSystemId: 'fs-0bbbbbbbbbbbbbbb2', dnsName: 'fs-0bbbbbbbbbbbbbbb2.fsx.cn-north-1.amazonaws.com.cn', mountName: 'ijklmnop', mountDir: '/fsx_cluster2', cluster: 'cluster2' },
    ],
    clusters: [
      { name: 'cluster1', label: 'Cluster 1 (cn-north-1a)' },
      { name: 'cluster2', label: 'Cluster 2 (cn-north-1b)' },
    ],
    ownCluster: 'cluster1',
    mungeKeySecretArn: 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:hpc-ha/munge-QwErTy',
    directory: {
      directoryType: 'ldap',
      sssd: {
        schema: 'rfc2307',
        ldapUris: ['ldaps://ldap1.corp.example.cn', 'ldaps://ldap2.corp.example.cn'],
        searchBase: 'dc=corp,dc=example,dc=cn',
        bindDn: 'cn=readonly,dc=corp,dc=example,dc=cn',
        homeDirectory: '/efs/home/%u',
      },
      bindPasswordSecretArn: 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:corp/ldap-bind-XyZ123',
      homeRoot: '/efs/home',
    },
    ondemand: { version: '4.2.3' },
    portal: dexPortal(),
    branding: { title: 'HPC Portal', brandBgColor: '#003366' },
    secrets: {
      oidcCryptoPassphrase: { secretArn: 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:hpc-ha/ood-oidc-AbCdEf' },
      ldapBindPassword: { secretArn: 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:corp/ldap-bind-XyZ123' },
    },
    signal: { stackName: 'hpc-ha-OpenOnDemand', logicalResourceId: 'Node1Asg1A2B3C4D' },
    ...overrides,
  };
}

/** The same spec as infra passes it at synth time: ids, endpoints and ARNs are CDK tokens. */
export function tokenSpec(): OodBootstrapSpec {
  const base = bootstrapSpec();
  return {
    ...base,
    efs: { fileSystemId: '${Token[TOKEN.101]}' },
    fsx: base.fsx.map((f, i) => ({ ...f, fileSystemId: `\${Token[TOKEN.2${i}0]}`, dnsName: `\${Token[TOKEN.2${i}1]}`, mountName: `\${Token[TOKEN.2${i}2]}` })),
    mungeKeySecretArn: '${Token[TOKEN.303]}',
    portal: dexPortal({ serverName: '${Token[TOKEN.501]}' }),
    secrets: { ...base.secrets, oidcCryptoPassphrase: { secretArn: '${Token[TOKEN.304]}' } },
    signal: { stackName: '${Token[AWS.StackName.7]}', logicalResourceId: 'Node1Asg1A2B3C4D' },
  };
}
