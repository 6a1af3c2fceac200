/**
 * Password SSH on the head node: ParallelCluster's directory recipe turns it on; the head-node script turns it off
 * again (unless the spec asks for it), and the resulting sshd_config is checked by the real OpenSSH server.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { renderHeadNodeScript, renderClusterConfig, type ClusterSpec } from '../src/index.js';
import { MINIMAL } from './fixtures/example-specs.js';
import { SSHD_CONFIG_AFTER_DIRECTORY_RECIPE, stubNode, type StubNode } from './support/stub-node.js';

const SSHD = '/usr/sbin/sshd';
let node: StubNode | undefined;
afterEach(() => {
  node?.dispose();
  node = undefined;
});
// sshd -t refuses to run without its privilege-separation directory, which a running sshd always has.
beforeAll(() => mkdirSync('/run/sshd', { recursive: true }));

/** What sshd would enforce for a password login attempt, from `sshd -T` on the node's config. */
function effective(file: string): Record<string, string> {
  const r = spawnSync(SSHD, ['-T', '-f', file, '-C', 'user=alice,host=client,addr=10.0.5.9'], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const out: Record<string, string> = {};
  for (const line of r.stdout.split('\n')) {
    const [k, ...v] = line.split(' ');
    if (k) out[k] = v.join(' ');
  }
  return out;
}

const sshdConfig = (n: StubNode) => join(n.root, 'etc/ssh/sshd_config');
const reloads = (n: StubNode) => n.calls().filter((c) => c.startsWith('systemctl reload'));

describe('head-node script: password SSH off unless asked', () => {
  it('turns password and keyboard-interactive logins off after the directory recipe turned them on', () => {
    node = stubNode();
    expect(effective(sshdConfig(node)).passwordauthentication).toBe('yes');
    const r = node.run(renderHeadNodeScript(MINIMAL));
    expect(r.stderr).not.toMatch(/ERROR/);
    expect(r.status).toBe(0);
    const eff = effective(sshdConfig(node));
    expect(eff.passwordauthentication).toBe('no');
    expect(eff.kbdinteractiveauthentication).toBe('no');
    // Key logins and everything else of the recipe's file stay.
    expect(eff.pubkeyauthentication).toBe('yes');
    expect(readFileSync(sshdConfig(node), 'utf8')).toContain(SSHD_CONFIG_AFTER_DIRECTORY_RECIPE);
    // The candidate file was checked by sshd before it replaced the live one.
    expect(node.calls().filter((c) => c.startsWith('sshd '))).toEqual([expect.stringMatching(/^sshd -t -f \S+\/etc\/ssh\/sshd_config\.hpc-ha\.\w+$/)]);
    expect(reloads(node)).toEqual(['systemctl reload sshd']);
  });

  it('a re-run (OnNodeUpdated) changes nothing and does not reload sshd; after the recipe runs again it wins again', () => {
    node = stubNode();
    const script = renderHeadNodeScript(MINIMAL);
    expect(node.run(script).status).toBe(0);
    const first = readFileSync(sshdConfig(node), 'utf8');
    expect(node.run(script).status).toBe(0);
    expect(readFileSync(sshdConfig(node), 'utf8')).toBe(first);
    expect(reloads(node)).toHaveLength(1);
    // The update recipe rewrites its line in place (and could add one at the end): our block at the top still rules.
    writeFileSync(sshdConfig(node), `${first}PasswordAuthentication yes\n`);
    expect(effective(sshdConfig(node)).passwordauthentication).toBe('no');
    expect(node.run(script).status).toBe(0);
    expect(readFileSync(sshdConfig(node), 'utf8').match(/hpc-ha: password logins off/g)).toHaveLength(1);
  });

  it('leaves password logins on when the spec asks, and removes an earlier block', () => {
    node = stubNode();
    expect(node.run(renderHeadNodeScript(MINIMAL)).status).toBe(0);
    const allow: ClusterSpec = { ...MINIMAL, headNodeSsh: { allowedIps: '10.0.0.0/16', passwordAuthentication: true } };
    expect(node.run(renderHeadNodeScript(allow)).status).toBe(0);
    expect(readFileSync(sshdConfig(node), 'utf8')).toBe(SSHD_CONFIG_AFTER_DIRECTORY_RECIPE);
    expect(effective(sshdConfig(node)).passwordauthentication).toBe('yes');
  });

  it('refuses to install a config sshd rejects, and leaves the old one in place', () => {
    node = stubNode();
    const broken = `${SSHD_CONFIG_AFTER_DIRECTORY_RECIPE}NoSuchOption yes\n`;
    writeFileSync(sshdConfig(node), broken);
    const r = node.run(renderHeadNodeScript(MINIMAL));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/fails sshd -t/);
    expect(readFileSync(sshdConfig(node), 'utf8')).toBe(broken);
    expect(reloads(node)).toEqual([]);
  });
});

describe('HeadNode.Ssh.AllowedIps', () => {
  it('renders the given source and no 0.0.0.0/0 of its own', () => {
    const { config } = renderClusterConfig({ ...MINIMAL, headNodeSsh: { allowedIps: '10.0.0.0/16' } });
    expect((config as { HeadNode: { Ssh?: unknown } }).HeadNode.Ssh).toEqual({ AllowedIps: '10.0.0.0/16' });
  });
  it('refuses what ParallelCluster would not take as AllowedIps', () => {
    expect(() => renderClusterConfig({ ...MINIMAL, headNodeSsh: { allowedIps: '10.0.0.0' } })).toThrow(/headNodeSsh\.allowedIps/);
  });
});
