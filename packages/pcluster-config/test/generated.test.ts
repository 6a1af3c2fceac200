// The schema validators the library runs are ajv standalone code generated at build time (scripts/codegen.ts).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importDenying } from '../../../tools/test-harness/deny-modules.js';
import { generatedFiles } from '../scripts/codegen.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** The ajv compiler, its code generator and ajv-formats: none of them is needed once the validators are generated. */
const COMPILER = ['ajv', 'ajv/dist/ajv*', 'ajv/dist/core*', 'ajv/dist/compile/*', 'ajv/dist/standalone/*', 'ajv-formats', 'ajv-formats/*'];

function runDenying(denied: string[], entry: string, code: string): string {
  return importDenying({ deny: denied, entry, code, cwd: here('..') });
}

describe('generated validators', () => {
  it.each(generatedFiles().map((f) => [f.path, f.content]))('%s is up to date with the TypeBox schema (run `nx run pcluster-config:build`)', (path, content) => {
    expect(readFileSync(here(`../${path}`), 'utf8')).toBe(content);
  });

  it('validating a config and parsing a ClusterSpec do not load the ajv compiler or ajv-formats', () => {
    const out = runDenying(
      COMPILER,
      here('../src/index.ts'),
      [
        `const r = m.validateClusterConfig({ Region: 'cn-north-1', Imagee: {} });`,
        `let spec = ''; try { m.parseClusterSpec({ region: 1 }); } catch (e) { spec = e.problems.map((p) => p.path).join(' '); }`,
        `console.log(JSON.stringify({ valid: r.valid, paths: r.issues.map((i) => i.path).sort(), spec }));`,
      ].join(' '),
    );
    const result = JSON.parse(out) as { valid: boolean; paths: string[]; spec: string };
    expect(result.valid).toBe(false);
    expect(result.paths).toEqual(expect.arrayContaining(['HeadNode', 'Imagee', 'Scheduling']));
    expect(result.spec).toContain('region');
  });

  it('the guard itself trips when the ajv compiler is imported', () => {
    expect(() => runDenying(COMPILER, here('../src/validate/ajv.ts'), '')).toThrow(/HPC_HA_DENIED_MODULE ajv from /);
  });
});
