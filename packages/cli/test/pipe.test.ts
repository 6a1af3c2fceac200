import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, EXAMPLES } from './cli.js';

describe('output into a pipe that closes early', () => {
  it('`hpc-ha validate | head -1` prints the first line and no stack trace', () => {
    const out = execFileSync('bash', ['-c', `set -o pipefail; node ${JSON.stringify(BIN)} validate ${JSON.stringify(`${EXAMPLES}/cn-north-1.yaml`)} 2>&1 | head -1; echo "status=\${PIPESTATUS[0]}"`], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    const lines = out.trim().split('\n');
    expect(lines[0]).toContain('is valid');
    expect(out).not.toMatch(/EPIPE|at .*\.js:\d+/);
    expect(lines.at(-1)).toBe('status=0');
  });
});
