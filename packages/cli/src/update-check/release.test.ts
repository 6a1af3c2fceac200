import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { breakingChanges } from './changelog.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const read = (path: string) => readFileSync(`${ROOT}${path}`, 'utf8');

describe('the release record', () => {
  const release = JSON.parse(read('release.json')) as { version: string; commit: string };
  const cli = JSON.parse(read('packages/cli/package.json')) as { version: string };
  const changelog = read('CHANGELOG.md');

  it('release.json names a full commit and a version CHANGELOG.md has a section for', () => {
    expect(release.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(changelog).toMatch(new RegExp(`^## \\[?${release.version.replace(/\./g, '\\.')}\\b`, 'm'));
  });

  it('`hpc-ha --version` (the CLI package version) is the last release or a newer one', () => {
    const n = (v: string) => v.split('.').map(Number);
    const [a, b] = [n(cli.version), n(release.version)];
    expect(a[0]! * 1e6 + a[1]! * 1e3 + a[2]!).toBeGreaterThanOrEqual(b[0]! * 1e6 + b[1]! * 1e3 + b[2]!);
  });

  it("CHANGELOG.md's breaking changes since the last release parse (each names what it changes and how to migrate)", () => {
    expect(() => breakingChanges(changelog, 'CHANGELOG.md', release.version)).not.toThrow();
  });
});
