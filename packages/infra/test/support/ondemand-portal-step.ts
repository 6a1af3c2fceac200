import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ondemandEnv, ondemandProgram, type DeploymentValues } from '../../src/artifacts/index.js';
import type { DeploymentConfig } from '../../src/config/index.js';
import type { RunResult, SlurmRehearsal } from '../../../../tools/test-harness/slurm/index.js';

/**
 * Runs Open OnDemand node 1's bootstrap, cut to the given steps (functions of its program, e.g. `sync_clusters`),
 * on the rehearsal's portal root: the shared EFS at /efs and, the one AWS stand-in, the NFS mount of the head node's
 * /opt/slurm as a bind mount of the same directory. 'resync' mode: no CloudFormation signal.
 */
export function runOodPortalSteps(rehearsal: SlurmRehearsal, config: DeploymentConfig, values: DeploymentValues, steps: readonly string[]): RunResult {
  const program = ondemandProgram();
  const main = '\nnode_main\n';
  if (!program.endsWith(main)) throw new Error('the Open OnDemand program no longer ends with node_main; update this helper');
  const portalRoot = rehearsal.portal.root;
  symlinkSync(rehearsal.efs, join(portalRoot, 'efs'));
  // The portal runs the head nodes' OS here: the node copies a Slurm client build for its own OS only.
  mkdirSync(join(portalRoot, 'etc'), { recursive: true });
  copyFileSync('/etc/os-release', join(portalRoot, 'etc/os-release'));
  const stubs = join(rehearsal.dir, 'ood-stubs');
  mkdirSync(stubs, { recursive: true });
  writeFileSync(
    join(stubs, 'mount'),
    `#!/bin/bash\nif [ "$1 $2 $3 $4" = "-t nfs -o ro,nolock" ]; then exec /usr/bin/mount --bind "$STUB_NFS_ROOT\${5#*:}" "$6"; fi\nexec /usr/bin/mount "$@"\n`,
    { mode: 0o755 },
  );
  const script = join(rehearsal.dir, 'ood-portal-steps.sh');
  const body = `${ondemandEnv(config, values, 1)}\n${program.slice(0, -main.length).replace(/^#!.*\n/, '')}\nmkdir -p "$WORK"\n${steps.join('\n')}\n`;
  writeFileSync(script, `#!/usr/bin/env bash\n${body}`);
  return rehearsal.portal.runScript(script, {
    env: { PATH: `${stubs}:/usr/sbin:/usr/bin:/sbin:/bin`, LANG: 'C', HPC_HA_SYSROOT: portalRoot, STUB_NFS_ROOT: rehearsal.clusters[0]!.headRoot },
    timeoutMs: 60_000,
  });
}
