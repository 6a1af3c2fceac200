import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateClusterConfig } from '../src/index.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'docs-examples');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort();

describe('configs adapted from ParallelCluster documentation examples', () => {
  it('covers at least six examples', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(6);
  });

  it.each(FILES)('%s passes', (file) => {
    const result = validateClusterConfig(readFileSync(join(DIR, file), 'utf8'), { clusterName: 'docs-example' });
    expect(result.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('the full example produces only the expected warnings', () => {
    const result = validateClusterConfig(readFileSync(join(DIR, 'slurm-full.yaml'), 'utf8'));
    // The DirectoryService warnings are ParallelCluster's own: DomainAddr "string" has no protocol, LdapTlsReqCert is never.
    expect(result.issues.map((i) => `${i.severity} ${i.path}`).sort()).toEqual([
      'warning DirectoryService.DomainAddr',
      'warning DirectoryService.LdapTlsReqCert',
      'warning Scheduling.SlurmSettings.Database.Uri',
    ]);
  });
});
