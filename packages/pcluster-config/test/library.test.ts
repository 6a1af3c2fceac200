import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

it('works as a plain library: build, then import from the repository root with node', () => {
  execFileSync(join(REPO, 'node_modules/.bin/tsc'), ['--build', 'packages/pcluster-config/tsconfig.lib.json'], { cwd: REPO, stdio: 'pipe' });
  const dir = mkdtempSync(join(tmpdir(), 'pcluster-config-lib-'));
  try {
    const file = join(dir, 'x.yaml');
    writeFileSync(file, 'Image:\n  Os: alinux2023\nHeadNode:\n  InstanceType: m5.large\n  Networking:\n    SubnetId: subnet-1\n');
    const script = `import('@hpc-ha/pcluster-config').then(m => console.log(JSON.stringify(m.validateClusterConfig(require('fs').readFileSync(${JSON.stringify(file)},'utf8')))))`;
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: REPO, encoding: 'utf8' })) as { valid: boolean; issues: { path: string; line?: number }[] };
    expect(out.valid).toBe(false);
    expect(out.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'Scheduling', line: 1 }),
        expect.objectContaining({ path: 'HeadNode.Networking.SubnetId', line: 6 }),
      ]),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
