import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleDirIn } from './bundles.js';
import {
  CERT_PROPERTIES,
  CLUSTER_TEARDOWN_PROPERTIES,
  DB_BOOTSTRAP_ENVIRONMENT,
  DB_BOOTSTRAP_PROPERTIES,
  HANDLER_FUNCTIONS,
  HANDLER_NAMES,
  handlerBundleDir,
  MUNGE_KEY_ACCEPTED_BYTES,
  MUNGE_KEY_ATTRIBUTES,
  MUNGE_KEY_BYTES,
  MUNGE_KEY_PROPERTIES,
  type CertResourceProperties,
  type ClusterTeardownProperties,
  type DbBootstrapProperties,
  type MungeKeyProperties,
} from './index.js';

const packageRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));
const scratch = mkdtempSync(join(tmpdir(), 'hpc-ha-bundles-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('handler bundles for infra', () => {
  it('names the four handlers and their Lambda handler strings', () => {
    expect(HANDLER_NAMES).toEqual(['cert', 'db-bootstrap', 'cluster-teardown', 'munge-key']);
    expect(HANDLER_FUNCTIONS.cert).toEqual({ onEvent: 'index.onEvent', isComplete: 'index.isComplete' });
    expect(HANDLER_FUNCTIONS['db-bootstrap']).toEqual({ onEvent: 'index.onEvent' });
    expect(HANDLER_FUNCTIONS['cluster-teardown'].isComplete).toBe('index.isComplete');
    expect(HANDLER_FUNCTIONS['munge-key']).toEqual({ onEvent: 'index.onEvent' });
  });

  it('gives the absolute dist/<name> directory once the bundle exists', () => {
    mkdirSync(join(scratch, 'dist', 'cert'), { recursive: true });
    writeFileSync(join(scratch, 'dist', 'cert', 'index.mjs'), 'export {};\n');
    expect(bundleDirIn(scratch, 'cert')).toBe(join(scratch, 'dist', 'cert'));
  });

  it('says how to build a missing bundle', () => {
    expect(() => bundleDirIn(scratch, 'db-bootstrap')).toThrow(
      /The "db-bootstrap" Lambda bundle is missing \(.*dist\/db-bootstrap\/index\.mjs\)\. Build it first: npx nx run lambdas:build/,
    );
    expect(() => bundleDirIn(scratch, 'nope' as never)).toThrow(/Unknown Lambda handler "nope"; expected one of: cert, db-bootstrap, cluster-teardown, munge-key/);
  });

  it('resolves against this package, whichever of src/ or out-tsc/lib/ it runs from', () => {
    const built = existsSync(join(packageRoot, 'dist', 'cert', 'index.mjs'));
    if (built) expect(handlerBundleDir('cert')).toBe(join(packageRoot, 'dist', 'cert'));
    else expect(() => handlerBundleDir('cert')).toThrow(join(packageRoot, 'dist', 'cert', 'index.mjs'));
  });

  it('exports the property keys infra writes', () => {
    const cert: CertResourceProperties = { DomainName: 'a.example.com', KeyAlgorithm: 'RSA_2048', ValidityDays: 30 };
    const db: DbBootstrapProperties = { MasterSecretArn: 'm', AppUserSecretArn: 'a', Tls: 'required' };
    const teardown: ClusterTeardownProperties = { ClusterNames: ['cluster1'], ParallelClusterVersion: '3.13.0' };
    expect(Object.keys(cert)).toEqual(expect.arrayContaining([CERT_PROPERTIES.domainName, CERT_PROPERTIES.keyAlgorithm]));
    expect(Object.keys(db)).toEqual(expect.arrayContaining([DB_BOOTSTRAP_PROPERTIES.masterSecretArn, DB_BOOTSTRAP_PROPERTIES.tls]));
    expect(Object.keys(teardown)).toEqual([CLUSTER_TEARDOWN_PROPERTIES.clusterNames, CLUSTER_TEARDOWN_PROPERTIES.parallelClusterVersion]);
    expect(DB_BOOTSTRAP_ENVIRONMENT).toEqual({ NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem' });
    const munge: MungeKeyProperties = { SecretArn: 'munge', RotationToken: '2025-06' };
    expect(Object.keys(munge)).toEqual([MUNGE_KEY_PROPERTIES.secretArn, MUNGE_KEY_PROPERTIES.rotationToken]);
    expect(MUNGE_KEY_ATTRIBUTES).toEqual({ secretArn: 'SecretArn' });
    // The contract's key: base64 of 1024 bytes, the top of what munge accepts.
    expect(MUNGE_KEY_BYTES).toBe(1024);
    expect(MUNGE_KEY_ACCEPTED_BYTES).toEqual({ min: 32, max: 1024 });
  });
});
