import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  OOD_DESKTOP_PORTS,
  computeHostRegex,
  renderOodBootstrap,
  renderOodBootstrapEnv,
  renderOodClusterYml,
  renderOodDesktopAppYml,
  renderOodDesktopSubmitYml,
  renderOodPortalYml,
  SpecValidationError,
  type OodBootstrapSpec,
  type OodDesktopSpec,
} from '../src/index.js';
import { createNode, createWorld, type SimNode, type World } from '../../../tools/test-harness/portal-node-sim.js';
import { bootstrapSpec, dexPortal } from './support/specs.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const ajv = new Ajv({ allErrors: true, strict: false });
const schema = (name: string) => ajv.compile(JSON.parse(readFileSync(join(here, 'schema', name), 'utf8')));
const haveShellcheck = spawnSync('shellcheck', ['--version']).status === 0;

const DESKTOP: OodDesktopSpec = { cluster: 'hpcood-cluster1', title: 'Desktop on cluster1', queues: ['compute', 'memory'], maxHours: 12, maxCores: 16, desktop: 'xfce' };

/** Open OnDemand's `/rnode` LocationMatch, as its portal generator writes it around `host_regex` (ood-portal.conf.erb). */
const rnode = (hostRegex: string): RegExp => new RegExp(`^/rnode/(?<host>${hostRegex})/(?<port>\\d+)(?<uri>/.*|)$`);

describe('the Desktop sub-app files', () => {
  it('offer this cluster’s queues, hours and cores, one node per session, through the vnc template', () => {
    const form = parse(renderOodDesktopAppYml(DESKTOP));
    expect(form.cluster).toBe('hpcood-cluster1');
    expect(form.submit).toBe('submit/hpcood-cluster1.yml.erb');
    expect(form.form).toEqual(expect.arrayContaining(['bc_queue', 'bc_num_hours', 'num_cores', 'desktop']));
    expect(form.form).not.toContain('bc_num_slots');
    expect(form.attributes.bc_queue.options).toEqual([['compute', 'compute'], ['memory', 'memory']]);
    expect(form.attributes.bc_num_hours.max).toBe(12);
    expect(form.attributes.num_cores.max).toBe(16);
    expect(form.attributes.desktop).toBe('xfce');
    const submit = parse(renderOodDesktopSubmitYml(DESKTOP));
    expect(submit.batch_connect.template).toBe('vnc');
    expect(submit.script.native).toEqual(['--nodes=1', '--ntasks=1', '--cpus-per-task=<%= [[num_cores.to_i, 1].max, 16].min %>']);
  });

  it('refuses a queue name ParallelCluster would not accept, naming the field', () => {
    expect(() => renderOodDesktopAppYml({ ...DESKTOP, queues: ['Bad Queue'] })).toThrow(SpecValidationError);
    expect(() => renderOodDesktopAppYml({ ...DESKTOP, queues: [] })).toThrow(/queues/);
  });
});

describe('host_regex: /rnode reaches compute nodes of the clusters’ queues only', () => {
  const re = rnode(computeHostRegex([{ name: 'hpcood-cluster1', queues: ['compute', 'hpc'] }, { name: 'hpcood-cluster2', queues: ['compute'] }]));
  it.each([
    '/rnode/compute-dy-c5-4xl-1.hpcood-cluster1.pcluster/20001/websockify',
    '/rnode/hpc-st-c5n-18xl-12.hpcood-cluster1.pcluster/20999/',
    '/rnode/compute-dy-c5-4xl-3.hpcood-cluster2.pcluster/20000',
  ])('admits %s', (path) => expect(re.test(path)).toBe(true));
  it.each([
    ['the portal itself', '/rnode/localhost/443/'],
    ['an address', '/rnode/10.0.1.100/22/'],
    ['a head node', '/rnode/ip-10-0-1-100.cn-north-1.compute.internal/6817/'],
    ['a queue cluster2 does not have', '/rnode/hpc-dy-c5n-18xl-1.hpcood-cluster2.pcluster/20001/'],
    ['a look-alike domain', '/rnode/compute-dy-c5-4xl-1.hpcood-cluster1.pcluster.evil.example/20001/'],
    ['a dot as any character', '/rnode/compute-dy-c5-4xl-1Xhpcood-cluster1Xpcluster/20001/'],
  ])('refuses %s', (_what, path) => expect(re.test(path)).toBe(false));
});

describe('cluster and portal files with desktops', () => {
  it('the cluster file gives the vnc template websockify, the opened port range and a host the portal resolves', () => {
    const text = renderOodClusterYml({ title: 'c1', slurmBinDir: '/opt/slurm/bin', slurmConf: '/etc/hpc-ha/slurm/c1/slurm.conf', desktopCluster: 'hpcood-cluster1' });
    const ok = schema('ood-cluster-v2.schema.json')(parse(text));
    expect(ok).toBe(true);
    expect(parse(text).v2.batch_connect.vnc).toEqual({
      websockify_cmd: '/usr/bin/websockify',
      min_port: OOD_DESKTOP_PORTS.min,
      max_port: OOD_DESKTOP_PORTS.max,
      set_host: 'host="$(hostname -s).hpcood-cluster1.pcluster"',
      script_wrapper: 'export PATH="/opt/hpc-ha/desktop/bin:$PATH"\n%s',
    });
  });

  it('the portal file turns on /node and /rnode for exactly that regex; without desktops there is no node proxy', () => {
    const regex = computeHostRegex([{ name: 'hpcood-cluster1', queues: ['compute'] }]);
    const text = renderOodPortalYml(dexPortal({ nodeProxyHostRegex: regex }));
    expect(schema('ood-portal.schema.json')(parse(text))).toBe(true);
    expect(parse(text)).toMatchObject({ host_regex: regex, node_uri: '/node', rnode_uri: '/rnode' });
    expect(parse(renderOodPortalYml(dexPortal()))).not.toHaveProperty('rnode_uri');
  });

  it('the bootstrap settings carry one form and submit file per shown cluster with a desktop', () => {
    const env = renderOodBootstrapEnv(
      bootstrapSpec({
        clusters: [
          { name: 'cluster1', desktop: { queues: ['compute'], maxHours: 8, maxCores: 4, desktop: 'xfce' } },
          { name: 'cluster2', show: false, desktop: { queues: ['compute'], maxHours: 8, maxCores: 4, desktop: 'xfce' } },
        ],
      }),
    );
    expect(env).toContain('readonly HPC_HA_OOD_DESKTOP_CLUSTERS="cluster1"');
    expect(env).toContain('HPC_HA_OOD_DESKTOP_FORM_CLUSTER1=');
    expect(env).not.toContain('HPC_HA_OOD_DESKTOP_FORM_CLUSTER2=');
  });
});

describe('the node installs the desktop files and removes its own stale ones', () => {
  let world: World;
  let node: SimNode;
  const spec = (desktop: boolean): OodBootstrapSpec => {
    const base = bootstrapSpec();
    return bootstrapSpec({
      timeouts: { clusterPublicationSeconds: 2, pollSeconds: 1, packageSourceSeconds: 5 },
      clusters: [
        { name: 'cluster1', label: 'Cluster 1', ...(desktop ? { desktop: { queues: ['compute', 'memory'], maxHours: 8, maxCores: 4, desktop: 'xfce' as const } } : {}) },
        { name: 'cluster2', label: 'Cluster 2' },
      ],
      portal: base.portal,
    });
  };

  beforeAll(() => {
    world = createWorld();
    const s = bootstrapSpec();
    world.secret(s.secrets.oidcCryptoPassphrase.secretArn, 'passphrase');
    world.secret(s.secrets.ldapBindPassword!.secretArn, 'bind');
    world.secret(s.mungeKeySecretArn, Buffer.alloc(1024, 3).toString('base64'));
    world.publish('cluster1', '10.0.1.100', '24.11.6');
    node = createNode(world, 'node1', '10.0.1.10', { logFile: 'var/log/hpc-ha/ondemand-bootstrap.log' });
  });
  afterAll(() => world.cleanup());

  it('writes the form and submit file, and the portal’s node proxy rule admits that cluster’s nodes', () => {
    const r = node.run(renderOodBootstrap(spec(true)));
    expect(r.status, node.log()).toBe(0);
    expect(parse(node.file('etc/ood/config/apps/bc_desktop/cluster1.yml')).attributes.bc_queue.options).toEqual([['compute', 'compute'], ['memory', 'memory']]);
    expect(parse(node.file('etc/ood/config/apps/bc_desktop/submit/cluster1.yml.erb')).batch_connect.template).toBe('vnc');
    expect(node.exists('etc/ood/config/apps/bc_desktop/cluster2.yml')).toBe(false);
    const portal = parse(node.file('etc/ood/config/ood_portal.yml'));
    expect(rnode(portal.host_regex).test('/rnode/memory-dy-r5-2xl-1.cluster1.pcluster/20010/websockify')).toBe(true);
    expect(parse(node.file('etc/ood/config/clusters.d/cluster1.yml')).v2.batch_connect.vnc.set_host).toBe('host="$(hostname -s).cluster1.pcluster"');
  });

  it('when the desktop is turned off, its generated files go and an administrator’s own file stays', () => {
    const own = join(node.root, 'etc/ood/config/apps/bc_desktop/site-gpu.yml');
    mkdirSync(join(node.root, 'etc/ood/config/apps/bc_desktop'), { recursive: true });
    writeFileSync(own, '---\ntitle: GPU desktop\ncluster: cluster1\n');
    const r = node.run(renderOodBootstrap(spec(false)));
    expect(r.status, node.log()).toBe(0);
    expect(node.exists('etc/ood/config/apps/bc_desktop/cluster1.yml')).toBe(false);
    expect(node.exists('etc/ood/config/apps/bc_desktop/submit/cluster1.yml.erb')).toBe(false);
    expect(node.exists('etc/ood/config/apps/bc_desktop/site-gpu.yml')).toBe(true);
    expect(parse(node.file('etc/ood/config/ood_portal.yml'))).not.toHaveProperty('host_regex');
  });

  it.skipIf(!haveShellcheck)('the program with the desktop step passes shellcheck', () => {
    const run = spawnSync('shellcheck', ['--shell=bash', '-'], { input: renderOodBootstrap(spec(true)), encoding: 'utf8' });
    expect(run.stdout + run.stderr).toBe('');
  });
});
