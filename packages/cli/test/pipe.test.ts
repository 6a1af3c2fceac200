import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, EXAMPLES } from './cli.js';

// The example without its placeholder bucket, so that the first line is the verdict rather than a warning.
const dir = mkdtempSync(join(tmpdir(), 'hpc-ha-cli-pipe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const config = join(dir, 'hpc-ha.yaml');
writeFileSync(config, readFileSync(`${EXAMPLES}/cn-north-1.yaml`, 'utf8').replaceAll('my-hpc-artifacts-', 'lab-artifacts-'));

describe('output into a pipe that closes early', () => {
  it('`hpc-ha validate | head -1` prints the first line and no stack trace', () => {
    const out = execFileSync('bash', ['-c', `set -o pipefail; node ${JSON.stringify(BIN)} validate ${JSON.stringify(config)} 2>&1 | head -1; echo "status=\${PIPESTATUS[0]}"`], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    const lines = out.trim().split('\n');
    expect(lines[0]).toContain('is valid');
    expect(out).not.toMatch(/EPIPE|at .*\.js:\d+/);
    expect(lines.at(-1)).toBe('status=0');
  });
});
