/** The custom-action runner: shellcheck, and a bash run with stub `aws` commands on PATH. */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderCustomActionRunner } from '../src/index.js';
import { shellcheckBinary } from './support/stub-node.js';

const dir = mkdtempSync(join(tmpdir(), 'pcluster-config-runner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const runner = join(dir, 'runner.sh');
writeFileSync(runner, renderCustomActionRunner());

/** `aws ssm get-parameter` prints $STUB_URL; `aws s3 cp <url> <dest>` copies $STUB_SCRIPT; every call is logged. */
function run(args: string[], env: Record<string, string> = {}) {
  const bin = mkdtempSync(join(dir, 'bin-'));
  const log = join(bin, 'calls.log');
  writeFileSync(
    join(bin, 'aws'),
    `#!/usr/bin/env bash
printf '%s\\n' "$*" >>"${log}"
case "$1 $2" in
  "ssm get-parameter") [[ -n "\${STUB_SSM_FAIL:-}" ]] && exit 254; printf '%s\\n' "$STUB_URL" ;;
  "s3 cp") for last; do :; done; cp "$STUB_SCRIPT" "$last" ;;
  *) echo "unexpected aws $*" >&2; exit 2 ;;
esac
`,
  );
  chmodSync(join(bin, 'aws'), 0o755);
  const script = join(bin, 'script.sh');
  writeFileSync(script, 'echo "script ran with $# argument(s)"\n');
  const r = spawnSync('bash', [runner, ...args], {
    encoding: 'utf8',
    env: { PATH: `${bin}:${process.env['PATH']}`, STUB_URL: 's3://assets-bucket/abc123.sh', STUB_SCRIPT: script, ...env },
  });
  const calls = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
  return { ...r, calls };
}

describe('renderCustomActionRunner', () => {
  it('is the same text every time (its S3 URL, and so OnNodeConfigured, never changes)', () => {
    expect(renderCustomActionRunner()).toBe(renderCustomActionRunner());
  });

  it.skipIf(!shellcheckBinary() && process.env['CI'] !== 'true')('is shellcheck-clean', () => {
    const shellcheck = shellcheckBinary();
    expect(shellcheck, 'shellcheck is not installed (CI=true requires it)').toBeDefined();
    const r = spawnSync(shellcheck!, ['--shell=bash', '--severity=style', runner], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
  });

  it('reads the URL from the parameter in the given region, downloads it and runs it without arguments', () => {
    const r = run(['cn-north-1', '/hpc-ha/param', 'rev42']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('script ran with 0 argument(s)\n');
    expect(r.stderr).toMatch(/running s3:\/\/assets-bucket\/abc123\.sh \(revision rev42\)/);
    expect(r.calls).toEqual([
      'ssm get-parameter --region cn-north-1 --name /hpc-ha/param --query Parameter.Value --output text',
      expect.stringMatching(/^s3 cp --region cn-north-1 --only-show-errors s3:\/\/assets-bucket\/abc123\.sh \/.+\/script\.sh$/),
    ]);
  });

  it('fails, running nothing, on a missing argument, an unreadable parameter or a value that is not an s3:// URL', () => {
    expect(run(['cn-north-1']).status).not.toBe(0);
    const unreadable = run(['cn-north-1', '/p'], { STUB_SSM_FAIL: '1' });
    expect([unreadable.status, unreadable.stdout]).toEqual([1, '']);
    const notS3 = run(['cn-north-1', '/p'], { STUB_URL: 'https://example.com/x.sh' });
    expect(notS3.status).toBe(1);
    expect(notS3.stderr).toMatch(/holds no s3:\/\/ URL/);
    expect(notS3.calls).toHaveLength(1);
  });
});
