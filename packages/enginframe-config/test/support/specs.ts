import type { EfinstallSpec, PortalBootstrapSpec } from '../../src/index.js';

/** A cn-north-1 node-1 spec with concrete values (as after deployment). */
export function portalSpec(overrides: Partial<PortalBootstrapSpec> = {}): PortalBootstrapSpec {
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
    database: {
      host: 'hpc-ha-db.cluster-abc123.cn-north-1.rds.amazonaws.com.cn',
      user: 'enginframe',
      appUserSecretArn: 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:hpc-ha/db-app-AbCdEf',
    },
    adminPassword: { secretArn: 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:efadminPassword-XyZ123' },
    mungeKeySecretArn: 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:hpc-ha/munge-QwErTy',
    installer: { uri: 's3://hpc-ha-artifacts/enginframe/enginframe-2021.0-r1667.jar', sha256: 'a'.repeat(64) },
    jdbcDriver: { uri: 's3://hpc-ha-artifacts/jdbc/mysql-connector-j-8.4.0.jar' },
    enginframe: { version: '2021.0-r1667' },
    signal: { stackName: 'hpc-ha-EnginFrame', logicalResourceId: 'Node1Asg1A2B3C4D' },
    ...overrides,
  };
}

/** The same spec as infra passes it at synth time: ids, endpoints and ARNs are CDK tokens. */
export function tokenSpec(): PortalBootstrapSpec {
  const base = portalSpec();
  return {
    ...base,
    efs: { fileSystemId: '${Token[TOKEN.101]}' },
    fsx: base.fsx.map((f, i) => ({ ...f, fileSystemId: `\${Token[TOKEN.2${i}0]}`, dnsName: `\${Token[TOKEN.2${i}1]}`, mountName: `\${Token[TOKEN.2${i}2]}` })),
    database: { ...base.database, host: '${Token[TOKEN.301]}', appUserSecretArn: '${Token[TOKEN.302]}' },
    adminPassword: { secretArn: '<AdminPasswordSecretArn>' },
    mungeKeySecretArn: '${Token[TOKEN.303]}',
    installer: { uri: 's3://${Token[TOKEN.401]}/enginframe.jar' },
    signal: { stackName: '${Token[AWS.StackName.7]}', logicalResourceId: 'Node1Asg1A2B3C4D' },
  };
}

/** A concrete efinstall spec with two enterprise members. */
export function efinstallSpec(overrides: Partial<EfinstallSpec> = {}): EfinstallSpec {
  return {
    version: '2021.0-r1667',
    niceRoot: '/efs/nice',
    javaHome: '/usr/lib/jvm/java-11-amazon-corretto.x86_64',
    adminUser: 'efadmin',
    tomcatUser: 'efnobody',
    rootContext: 'enginframe',
    ports: { https: 8443, shutdown: 8005, agentRmi: 9999, agentRmiBind: 9998 },
    tomcatHostname: 'ip-10-0-1-5',
    database: { jdbcUrl: 'jdbc:mysql://db.example.internal:3306/EnginFrameDB?sslMode=REQUIRED', user: 'enginframe', savePasswordInKeystore: true },
    enterpriseServers: ['10.0.1.5:7800', '10.0.2.9:7800'],
    startAtBoot: true,
    installDemo: false,
    pamService: 'system-auth',
    slurmBinariesPath: '/opt/slurm/bin',
    ...overrides,
  };
}
