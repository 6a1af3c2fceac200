import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ClusterSpecError, DESKTOP_AVAILABILITY, renderClusterConfig, renderComputeNodeScript, TIGERVNC_SHIM, type ClusterSpec } from '../src/index.js';
import { MINIMAL } from './fixtures/example-specs.js';
import { shellcheckBinary, stubNode, type StubNode } from './support/stub-node.js';

const UBUNTU: ClusterSpec = { ...MINIMAL, os: 'ubuntu2204', desktop: {} };
const BUNDLE_KEY = 'desktop/turbovnc-xfce-el9.tar';

let node: StubNode;
afterEach(() => node?.dispose());

/**
 * Package-manager stubs: "installing" puts the commands the packages provide into a bin dir on PATH and websockify
 * at <root>/usr/bin; STUB_SKIP names a command the packages fail to provide. The bundle's TurboVNC lands under
 * <root>/opt/TurboVNC/bin, off the PATH, as the real RPM does.
 */
function packageStubs(n: StubNode): string {
  const bin = join(n.dir, 'pkgbin');
  mkdirSync(bin, { recursive: true });
  const provide = `provide() { for c in "$@"; do [ "$c" = "\${STUB_SKIP:-}" ] && continue
    case "$c" in
      websockify) mkdir -p "$HPC_HA_ROOT/usr/bin"; printf '#!/bin/sh\\n' >"$HPC_HA_ROOT/usr/bin/websockify"; chmod +x "$HPC_HA_ROOT/usr/bin/websockify" ;;
      turbovnc) mkdir -p "$HPC_HA_ROOT/opt/TurboVNC/bin"; for t in vncserver vncpasswd; do printf '#!/bin/sh\\n' >"$HPC_HA_ROOT/opt/TurboVNC/bin/$t"; chmod +x "$HPC_HA_ROOT/opt/TurboVNC/bin/$t"; done ;;
      *) printf '#!/bin/sh\\n' >"${bin}/$c"; chmod +x "${bin}/$c" ;;
    esac; done; }`;
  const stubs: Record<string, string> = {
    'apt-get': `${provide}\ncase " $* " in *" install "*) provide Xvnc vncpasswd websockify xfce4-session ;; esac`,
    'apt-cache': 'exit 100',
    dnf: `${provide}\ncase " $* " in *" install "*) for f in "$@"; do case "$f" in *.rpm) [ -f "$f" ] || exit 1 ;; esac; done; provide turbovnc websockify xfce4-session ;; esac`,
    aws: `[ "$1 $2" = "s3 cp" ] || exit 2; for last; do :; done; cp "$STUB_STATE/bundle.tar" "$last"`,
  };
  for (const [name, body] of Object.entries(stubs)) {
    writeFileSync(join(bin, name), `#!/usr/bin/env bash\nprintf '%s %s\\n' ${name} "$*" >>"$STUB_STATE/calls.log"\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  }
  return bin;
}

const run = (spec: ClusterSpec, env: Record<string, string> = {}) => {
  const bin = packageStubs(node);
  return node.run(renderComputeNodeScript(spec), { PATH: `${bin}:${node.root}/usr/local/bin:${node.dir}/bin:/usr/bin:/bin`, ...env });
};

/** A bundle as a user stages it: a tar of RPM files. */
function stageBundle(n: StubNode): string {
  const src = join(n.dir, 'bundle');
  mkdirSync(src);
  for (const f of ['turbovnc-3.1.1.x86_64.rpm', 'python3-websockify-0.10.0-1.el9.noarch.rpm', 'xfce4-session-4.16.0-5.el9.x86_64.rpm']) writeFileSync(join(src, f), f);
  const tar = join(n.state, 'bundle.tar');
  expect(spawnSync('tar', ['-cf', tar, '-C', src, '.']).status).toBe(0);
  return createHash('sha256').update(spawnSync('cat', [tar]).stdout).digest('hex');
}

describe('compute-node desktop step', () => {
  it('Ubuntu: installs TigerVNC, websockify and Xfce from the OS repositories and checks what the vnc template runs', () => {
    node = stubNode();
    const r = run(UBUNTU);
    expect(r.status, r.stderr).toBe(0);
    expect(node.calls()).toContain('apt-get install -y --no-install-recommends tigervnc-standalone-server tigervnc-common websockify xfce4 xfce4-terminal dbus-x11');
    expect(r.stderr).toContain('desktop packages ready (xfce)');
    expect(readFileSync(join(node.root, 'opt/hpc-ha/desktop/bin/vncserver'), 'utf8')).toBe(TIGERVNC_SHIM);
    expect(readlinkSync(join(node.root, 'opt/hpc-ha/desktop/bin/vncpasswd'))).toBe(join(node.dir, 'pkgbin/vncpasswd'));
  });

  it('fails, naming it, when the packages leave out a command the session needs', () => {
    node = stubNode();
    const r = run(UBUNTU, { STUB_SKIP: 'websockify' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('the desktop packages left out: /usr/bin/websockify');
  });

  it('Rocky 9: installs the user’s bundle after checking its SHA-256, and puts TurboVNC on the PATH', () => {
    node = stubNode();
    const sha256 = stageBundle(node);
    const spec: ClusterSpec = { ...MINIMAL, os: 'rocky9', desktop: { bundle: { uri: `s3://hpc-artifacts-cn/${BUNDLE_KEY}`, sha256 } } };
    const r = run(spec);
    expect(r.status, r.stderr).toBe(0);
    const install = node.calls().find((c) => c.startsWith('dnf install -y '))!;
    expect(install).toMatch(/python3-websockify-0\.10\.0-1\.el9\.noarch\.rpm .*turbovnc-3\.1\.1\.x86_64\.rpm .*xfce4-session/);
    expect(readlinkSync(join(node.root, 'opt/hpc-ha/desktop/bin/vncserver'))).toBe(join(node.root, 'opt/TurboVNC/bin/vncserver'));
    expect(node.calls()).toContain(`aws s3 cp --only-show-errors --region cn-north-1 s3://hpc-artifacts-cn/${BUNDLE_KEY} ${install.split(' ')[3]!.replace(/\/packages\/.*$/, '/bundle.tar')}`);
  });

  it('refuses a bundle whose SHA-256 differs, before installing anything', () => {
    node = stubNode();
    stageBundle(node);
    const spec: ClusterSpec = { ...MINIMAL, os: 'rocky9', desktop: { bundle: { uri: `s3://hpc-artifacts-cn/${BUNDLE_KEY}`, sha256: 'a'.repeat(64) } } };
    const r = run(spec);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/SHA-256 is [0-9a-f]{64}, not a{64}: refusing it/);
    expect(node.calls().some((c) => c.startsWith('dnf install'))).toBe(false);
    expect(existsSync(join(node.root, 'usr/bin/websockify'))).toBe(false);
  });

  it('without a desktop the compute script installs nothing', () => {
    expect(renderComputeNodeScript(MINIMAL)).not.toContain('install_desktop');
  });

  it('an OS without the packages and no bundle is refused, saying why', () => {
    for (const os of ['alinux2023', 'rhel9', 'rocky8'] as const) {
      expect(() => renderComputeNodeScript({ ...MINIMAL, os, desktop: {} })).toThrow(ClusterSpecError);
      expect(() => renderComputeNodeScript({ ...MINIMAL, os, desktop: {} })).toThrow(/desktop\.bundle.*unavailable on/);
    }
    expect(Object.entries(DESKTOP_AVAILABILITY).filter(([, a]) => a.repositories).map(([os]) => os)).toEqual(['ubuntu2004', 'ubuntu2204', 'ubuntu2404']);
  });

  it('every queue may read the bundle object (S3Access), and only that object', () => {
    const spec: ClusterSpec = { ...MINIMAL, os: 'rocky9', desktop: { bundle: { uri: `s3://hpc-artifacts-cn/${BUNDLE_KEY}`, sha256: 'a'.repeat(64) } } };
    const config = parse(renderClusterConfig(spec).yaml);
    for (const q of config.Scheduling.SlurmQueues) expect(q.Iam.S3Access).toEqual([{ BucketName: 'hpc-artifacts-cn', KeyName: BUNDLE_KEY }]);
  });

  const shellcheck = shellcheckBinary();
  it.skipIf(!shellcheck && process.env.CI !== 'true')('the vncserver shim passes shellcheck', () => {
    const r = spawnSync(shellcheck!, ['--shell=bash', '--severity=style', '-'], { input: TIGERVNC_SHIM, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
  });

  it.skipIf(!shellcheck && process.env.CI !== 'true')('both variants pass shellcheck', () => {
    for (const spec of [UBUNTU, { ...MINIMAL, os: 'rocky9', desktop: { session: 'mate', bundle: { uri: 'https://example.cn/d.tar', sha256: 'a'.repeat(64) } } } as ClusterSpec]) {
      const r = spawnSync(shellcheck!, ['--shell=bash', '--severity=style', '-'], { input: renderComputeNodeScript(spec), encoding: 'utf8' });
      expect(r.stdout + r.stderr).toBe('');
    }
  });
});
