import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import type { PortalBootstrapSpec } from '../../src/index.js';
import { createWorld, type NodeOptions, type World } from '../../../../tools/test-harness/portal-node-sim.js';
import { portalSpec } from './specs.js';

/** What the portal-bootstrap scenario suites share: artefacts, canary secrets, the spec and the simulated world. */

export const EF_VERSION = '2021.0-r1667';
/** How the simulator runs an EnginFrame node: its log file and the version the installer stub lays out. */
export const EF_NODE: NodeOptions = { logFile: 'var/log/hpc-ha/portal-bootstrap.log', efVersion: EF_VERSION };
export const INSTALLER = Buffer.from('fake EnginFrame installer jar\n');
export const DRIVER = Buffer.from('fake Connector/J jar\n');
export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

// Canaries: secret values that must never show up in rendered text, logs, files or command lines.
export const DB_PASSWORD = ' CANARY-db:pa=ss#w!rd\\ 中文🚀\t';
export const ADMIN_PASSWORD = 'CANARY-admin-"Pa$$w0rd`';
export const MUNGE_KEY = Buffer.concat([Buffer.from('CANARY-munge'), randomBytes(1012)]);
export const MUNGE_B64 = MUNGE_KEY.toString('base64');
export const CANARIES = [DB_PASSWORD.trim(), 'CANARY-db', ADMIN_PASSWORD, 'CANARY-admin', MUNGE_B64.slice(0, 40)];

/** The database endpoint's name; the world resolves it to loopback, where `listenDatabase` accepts connections. */
export const DB_HOST = 'hpc-ha-db.cluster-abc123.cn-north-1.rds.amazonaws.com.cn';

/** A TCP listener standing in for Aurora on 127.0.0.1:port for the calling suite (each its own port of 16750-16799). */
export function useDatabase(port: number): void {
  const server = createServer((socket) => socket.end());
  beforeAll(() => new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve)));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
}

/** Node `nodeIndex`'s spec with short timeouts, the world's artefacts and the database on `dbPort`. */
export function testSpec(nodeIndex: 1 | 2, dbPort: number, extra: Partial<PortalBootstrapSpec> = {}): PortalBootstrapSpec {
  return portalSpec({
    nodeIndex,
    ownCluster: `cluster${nodeIndex}`,
    installer: { uri: `s3://hpc-ha-artifacts/enginframe/enginframe-${EF_VERSION}.jar`, sha256: sha256(INSTALLER) },
    jdbcDriver: { uri: 'https://repo.example.cn/jdbc/mysql-connector-j-8.4.0.jar?X-Amz-Signature=presigned', sha256: sha256(DRIVER) },
    timeouts: { clusterPublicationSeconds: 3, installMarkerSeconds: 2, pollSeconds: 1 },
    signal: { stackName: 'hpc-ha-EnginFrame', logicalResourceId: `Node${nodeIndex}Asg` },
    database: { ...portalSpec().database, port: dbPort },
    ...extra,
  });
}

/** A world holding the artefacts and secrets `testSpec` names. */
export function newWorld(): World {
  const world = createWorld();
  const base = portalSpec();
  world.s3(`hpc-ha-artifacts/enginframe/enginframe-${EF_VERSION}.jar`, INSTALLER);
  world.https('repo.example.cn/jdbc/mysql-connector-j-8.4.0.jar', DRIVER);
  world.secret(base.database.appUserSecretArn, JSON.stringify({ username: 'enginframe', password: DB_PASSWORD, host: 'db' }));
  world.secret(base.adminPassword.secretArn, JSON.stringify({ efadminPassword: ADMIN_PASSWORD }));
  world.secret(base.mungeKeySecretArn, MUNGE_B64);
  world.host(DB_HOST, '127.0.0.1');
  return world;
}

export { signals } from '../../../../tools/test-harness/portal-node-sim.js';
