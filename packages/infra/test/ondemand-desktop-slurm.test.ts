/**
 * Open OnDemand's Desktop app on the Slurm rehearsal (tools/test-harness/slurm): real slurmctld/slurmd clusters on
 * 127.0.0.1, the Open OnDemand node's cluster step writing clusters.d and the Desktop files, then a desktop session
 * as the dashboard starts one: the vnc template's job script (test/support/ood-batch-connect.ts) rendered from the
 * cluster file's `batch_connect.vnc` and submitted with the Desktop submit file's options through the call ood_core's
 * Slurm adapter makes, as an unprivileged user. The job runs Debian's TigerVNC (through the compute step's vncserver
 * shim) and websockify; the browser side then opens `/rnode/<host>/<websocket>/websockify` through a node proxy
 * built from the rendered ood_portal.yml and must get the VNC server's RFB greeting, while hosts outside host_regex
 * are refused.
 *
 * Stand-ins, each for something AWS or the shared host: the compute node's name (slurmd in a UTS namespace named like
 * a ParallelCluster node), its /opt (what the compute-node step writes there), its DNS name resolving to 127.0.0.1
 * (Route 53's private zone), websockify listening on loopback only (a wrapper adds 127.0.0.1 to its listen port) and
 * the desktop itself (`sleep`: Xfce is not installed here).
 */
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newMungeKey } from '@hpc-ha/lambdas';
import { OOD_DESKTOP_BIN_DIR, OOD_DESKTOP_PORTS } from '@hpc-ha/ondemand-config';
import { DESKTOP_BIN_DIR, TIGERVNC_SHIM } from '@hpc-ha/pcluster-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { clusterArtifacts, envValue, ondemandEnv, placeholderValues } from '../src/artifacts/index.js';
import { parseDeploymentConfig } from '../src/config/index.js';
import { rehearsalMissing, startSlurmClusters, type RunResult, type SlurmRehearsal } from '../../../tools/test-harness/slurm/index.js';
import { openWebsocket, renderVncJobScript, startNodeProxy, type VncTemplateContext } from './support/ood-batch-connect.js';
import { runOodPortalSteps } from './support/ondemand-portal-step.js';
import { REPO_ROOT } from './support/synth.js';

const inCi = process.env['CI'] === 'true';
const DESKTOP_PROGRAMS = ['/usr/bin/Xvnc', '/usr/bin/vncpasswd', '/usr/bin/websockify', '/usr/bin/python3'];
const missing = [...rehearsalMissing(), ...DESKTOP_PROGRAMS.filter((p) => !existsSync(p))];
if (inCi && missing.length) throw new Error(`CI=true but the desktop rehearsal lacks: ${missing.join(', ')} (.ci/run installs tigervnc-standalone-server, tigervnc-tools, websockify)`);

/** This suite's ports (17200-17299 on a shared machine) and its own test user. */
const BASE_PORT = 17200;
const TEST_USER = 'hpchadesk22';
const COMPUTE_HOST = 'compute-dy-c5-4xl-1';
const SESSION_WAIT_MS = 40_000;

const example = readFileSync(join(REPO_ROOT, 'examples', 'cn-north-1-ondemand.yaml'), 'utf8')
  .replace('    idleTimeoutMinutes: 120\n', '    idleTimeoutMinutes: 120\n    desktop:\n      enabled: true\n')
  .replace('  os: alinux2023\n', '  os: ubuntu2204\n');
const config = parseDeploymentConfig(example, 'hpc-ha.yaml');
const values = placeholderValues(config);
const [cluster1, cluster2] = clusterArtifacts(config, values);
const NAME1 = cluster1!.spec.clusterName;

describe.skipIf(missing.length > 0)('Open OnDemand Desktop on the Slurm rehearsal: batch_connect vnc job and /rnode', () => {
  let rehearsal: SlurmRehearsal;
  let portalRoot: string;
  let step: RunResult;
  let node: string;
  let session: string;
  let jobId = '';
  let connection: Record<string, string | number> = {};
  let proxy: Awaited<ReturnType<typeof startNodeProxy>>;

  const jobConfig = () => parse(readFileSync(join(portalRoot, 'etc/ood/config/clusters.d', `${NAME1}.yml`), 'utf8')).v2;
  /** A Slurm call as ood_core makes it: `<bin>/<cmd>`, SLURM_CONF from the file's conf, script on stdin. */
  const call = (command: string, args: string[], input?: string): RunResult => {
    const job = jobConfig().job as { bin: string; conf: string };
    return rehearsal.portal.run([join(portalRoot, job.bin, command), ...args], {
      user: rehearsal.testUser,
      env: { SLURM_CONF: join(portalRoot, job.conf) },
      cwd: session,
      ...(input !== undefined ? { input } : {}),
    });
  };

  beforeAll(async () => {
    // What the compute-node step leaves on an Ubuntu node (the shim, vncpasswd), and the loopback-only websockify.
    node = mkdtempSync(join(tmpdir(), 'hpc-ha-desktop-node-'));
    chmodSync(node, 0o755);
    const bin = join(node, 'opt', DESKTOP_BIN_DIR.replace(/^\/opt\//, ''));
    mkdirSync(bin, { recursive: true });
    for (let d = bin; d !== node; d = join(d, '..')) chmodSync(d, 0o755);
    writeFileSync(join(bin, 'vncserver'), TIGERVNC_SHIM, { mode: 0o755 });
    symlinkSync('/usr/bin/vncpasswd', join(bin, 'vncpasswd'));
    // Seen at /opt on the node, so still there once the node's own /tmp hides this directory.
    mkdirSync(join(node, 'opt/rehearsal'), { mode: 0o755 });
    copyFileSync('/usr/bin/websockify', join(node, 'opt/rehearsal/websockify'));
    chmodSync(join(node, 'opt/rehearsal/websockify'), 0o755);
    writeFileSync(
      join(node, 'websockify'),
      `#!/bin/bash\nport="$1"; shift\n/opt/rehearsal/websockify "127.0.0.1:$port" "$@" 2>&1 | sed -u 's/proxying from 127\\.0\\.0\\.1:/proxying from :/'\n`,
      { mode: 0o755 },
    );

    rehearsal = await startSlurmClusters({
      clusters: [
        { name: NAME1, headNodeScript: cluster1!.headNodeScript!, computeNode: { hostname: COMPUTE_HOST, binds: [[join(node, 'opt'), '/opt'], [join(node, 'websockify'), '/usr/bin/websockify']], privateTmp: true } },
        { name: cluster2!.spec.clusterName, headNodeScript: cluster2!.headNodeScript! },
      ],
      mungeKeyBase64: newMungeKey(),
      basePort: BASE_PORT,
      testUser: TEST_USER,
    });
    portalRoot = rehearsal.portal.root;
    step = runOodPortalSteps(rehearsal, config, values, ['sync_clusters', 'install_desktop_apps']);
    await rehearsal.startPortalMunged();
    // The session directory the dashboard stages (bc_desktop's script.sh stands in for the desktop).
    session = join(rehearsal.dir, 'ood-desktop-session');
    mkdirSync(session, { mode: 0o700 });
    // The desktop until the user logs out (here: until the test creates ./logout).
    writeFileSync(join(session, 'script.sh'), '#!/bin/bash\necho "desktop on $DISPLAY"\nuntil [ -e logout ]; do sleep 0.2; done\n', { mode: 0o755 });
    for (const f of ['', 'script.sh']) chownSync(join(session, f), rehearsal.testUser.uid, rehearsal.testUser.gid);
  }, 150_000);

  afterAll(async () => {
    if (jobId) call('scancel', [jobId]);
    await proxy?.close();
    await rehearsal?.stop();
    if (node) rmSync(node, { recursive: true, force: true });
  }, 60_000);

  it('the portal step writes the cluster file’s vnc settings and the Desktop form and submit files', () => {
    expect(step.status, `${step.stdout}${step.stderr}`).toBe(0);
    expect(OOD_DESKTOP_BIN_DIR).toBe(DESKTOP_BIN_DIR);
    expect(jobConfig().batch_connect.vnc).toMatchObject({ min_port: OOD_DESKTOP_PORTS.min, max_port: OOD_DESKTOP_PORTS.max, websockify_cmd: '/usr/bin/websockify' });
    const form = parse(readFileSync(join(portalRoot, 'etc/ood/config/apps/bc_desktop', `${NAME1}.yml`), 'utf8'));
    expect(form.attributes.bc_queue.options.map((o: string[]) => o[1])).toEqual(['compute', 'memory', 'hpc']);
  });

  it('the session job runs through the Slurm adapter’s call and writes its connection file', async () => {
    const submit = parse(readFileSync(join(portalRoot, 'etc/ood/config/apps/bc_desktop/submit', `${NAME1}.yml.erb`), 'utf8'));
    expect(submit.batch_connect.template).toBe('vnc');
    // The form's values as the dashboard would give them: queue compute, 1 hour, 1 core (the ERB's only input).
    const native = (submit.script.native as string[]).map((a) => a.replace(/<%=.*%>/, '1'));
    const ctx: VncTemplateContext = {
      ...(jobConfig().batch_connect.vnc as VncTemplateContext),
      work_dir: session,
      conn_file: join(session, 'connection.yml'),
      before_file: join(session, 'before.sh'),
      script_file: join(session, 'script.sh'),
      after_file: join(session, 'after.sh'),
      clean_file: join(session, 'clean.sh'),
    };
    // ood_core's Slurm#submit: -D, -J, -o, -p, -t, --export, the native options, then --parsable; the script on stdin.
    const args = ['-D', session, '-J', `sys/dashboard/sys/bc_desktop/${NAME1}`, '-o', join(session, 'output.log'), '-p', 'compute', '-t', '01:00:00', '--export', 'NONE', ...native, '--parsable'];
    const submitted = call('sbatch', args, renderVncJobScript(ctx));
    expect(submitted.status, submitted.stderr).toBe(0);
    jobId = submitted.stdout.trim().split(';')[0]!;
    expect(jobId).toMatch(/^\d+$/);
    const deadline = Date.now() + SESSION_WAIT_MS;
    let text = '';
    while (Date.now() < deadline) {
      try {
        text = readFileSync(join(session, 'connection.yml'), 'utf8');
        if (text.includes('websocket:')) break;
      } catch {
        // not written yet
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const output = () => {
      try {
        return readFileSync(join(session, 'output.log'), 'utf8');
      } catch {
        return '(no output.log)';
      }
    };
    expect(text, output()).toContain('websocket:');
    connection = parse(text);
    expect(connection['host']).toBe(`${COMPUTE_HOST}.${NAME1}.pcluster`);
    expect(Number(connection['websocket'])).toBeGreaterThanOrEqual(OOD_DESKTOP_PORTS.min);
    expect(Number(connection['websocket'])).toBeLessThanOrEqual(OOD_DESKTOP_PORTS.max);
    expect(String(connection['password'])).toMatch(/^[A-Za-z0-9]{8}$/);
    expect(call('squeue', ['-h', '-j', jobId, '-o', '%T']).stdout.trim()).toBe('RUNNING');
  }, 60_000);

  it('the browser reaches the session’s VNC server through /rnode, and only hosts host_regex admits', async () => {
    expect(connection['websocket'], 'the session did not start').toBeDefined();
    const portal = parse(envValue(ondemandEnv(config, values, 1), 'HPC_HA_OOD_PORTAL_YML')!);
    proxy = await startNodeProxy({
      rnodeUri: portal.rnode_uri,
      hostRegex: portal.host_regex,
      // The VPC's DNS: compute nodes by their managed names, head nodes by theirs; all are 127.0.0.1 here.
      resolve: (host) => (host.endsWith('.pcluster') || host === '127.0.0.1' || host === 'localhost' ? '127.0.0.1' : undefined),
    });
    const ws = Number(connection['websocket']);
    const through = await openWebsocket(proxy.port, `/rnode/${connection['host']}/${ws}/websockify`);
    expect(through.status).toMatch(/^HTTP\/1\.1 101 /);
    expect(through.payload?.toString()).toMatch(/^RFB 003\.00\d\n$/);
    for (const host of [`head-node.${NAME1}.pcluster`, '127.0.0.1', 'localhost', `${COMPUTE_HOST}.${NAME1}.pcluster.evil.example`]) {
      const refused = await openWebsocket(proxy.port, `/rnode/${host}/${ws}/websockify`);
      expect(refused.status, host).toMatch(/^HTTP\/1\.1 404 /);
    }
  }, 30_000);

  it('logging out of the desktop ends the job, and its clean-up stops the VNC server (vncserver -kill)', async () => {
    expect(jobId).not.toBe('');
    writeFileSync(join(session, 'logout'), '');
    const deadline = Date.now() + 20_000;
    let state = '';
    while (Date.now() < deadline) {
      state = call('squeue', ['-h', '-t', 'all', '-j', jobId, '-o', '%T']).stdout.trim();
      if (state === 'COMPLETED') break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(state, readFileSync(join(session, 'output.log'), 'utf8')).toBe('COMPLETED');
    expect(readFileSync(join(session, 'output.log'), 'utf8')).toContain(`Killed Xvnc on display :${connection['display']}`);
    // websockify may outlive the job here (the rehearsal tracks processes by parentage, ParallelCluster by cgroup),
    // but there is no VNC server behind it any more.
    const after = await openWebsocket(proxy.port, `/rnode/${connection['host']}/${connection['websocket']}/websockify`, 5_000).catch(() => ({ status: 'closed', payload: undefined }));
    expect(after.payload?.toString() ?? '').not.toMatch(/RFB/);
    jobId = '';
  }, 40_000);
});
