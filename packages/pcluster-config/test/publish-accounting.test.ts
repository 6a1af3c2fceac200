import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { renderHeadNodeScript } from '../src/index.js';
import { EXAMPLES } from './fixtures/example-specs.js';
import { stubNode, type StubNode } from './support/stub-node.js';

const PUBLISH = 'efs/hpc-ha/clusters/hpcha-cluster1';
let node: StubNode;
afterEach(() => node?.dispose());

/** The published client slurm.conf after the head-node script ran against a stub scontrol. */
function publish(env: Record<string, string>): { status: number; stderr: string; conf: string } {
  node = stubNode();
  const r = node.run(renderHeadNodeScript(EXAMPLES[0]!.specs[0]), env);
  let conf = '';
  try {
    conf = readFileSync(join(node.root, PUBLISH, 'slurm.conf'), 'utf8');
  } catch {
    // nothing published
  }
  return { status: r.status, stderr: r.stderr, conf };
}

describe('the client slurm.conf names the cluster\'s slurmdbd when the cluster has accounting', () => {
  it('slurmdbd on this head node (SlurmSettings.Database): its private address, which a portal node can reach', () => {
    const r = publish({ STUB_ACCOUNTING_HOST: 'ip-10-0-1-23' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.conf).toMatch(/\nCredType=cred\/munge\nAccountingStorageType=accounting_storage\/slurmdbd\nAccountingStorageHost=10\.0\.1\.23\nAccountingStoragePort=6819\n$/);
    expect(r.stderr).toContain('slurmdbd 10.0.1.23:6819');
  });

  it('an external slurmdbd keeps its own name', () => {
    const r = publish({ STUB_ACCOUNTING_HOST: 'slurmdbd.hpc.internal' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.conf).toContain('\nAccountingStorageHost=slurmdbd.hpc.internal\nAccountingStoragePort=6819\n');
  });

  it('no accounting, no accounting lines (sacct on the portal then says accounting is disabled)', () => {
    const r = publish({});
    expect(r.status, r.stderr).toBe(0);
    expect(r.conf).not.toMatch(/Accounting/);
  });

  it('refuses to publish an address it cannot vouch for', () => {
    const r = publish({ STUB_ACCOUNTING_HOST: 'bad;host' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("unexpected accounting address 'bad;host:6819'");
    expect(r.conf).toBe('');
  });
});
