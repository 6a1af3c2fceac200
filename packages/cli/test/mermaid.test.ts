/**
 * `hpc-ha plan --mermaid` parsed by Mermaid's own parser (mermaid.parse, the one GitHub's renderer runs), in Node
 * with a jsdom window, since mermaid expects a browser; see README "Development dependencies".
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES, runCli } from './cli.js';
import { withManagedDirectoryConfig } from './fixtures/managed-directory.js';

type Mermaid = { parse(text: string): Promise<{ diagramType: string } | false> };
let mermaid: Mermaid;
beforeAll(async () => {
  // jsdom ships no types of its own; only its constructor and window are used here.
  const jsdom = 'jsdom';
  const { JSDOM } = (await import(jsdom)) as { JSDOM: new (html: string) => { window: { document: unknown } } };
  const dom = new JSDOM('<!doctype html><html><body></body></html>');
  Object.assign(globalThis, { window: dom.window, document: dom.window.document });
  mermaid = (await import('mermaid')).default as unknown as Mermaid;
  (mermaid as unknown as { initialize(c: object): void }).initialize({ startOnLoad: false });
}, 60_000);

async function diagram(config: string): Promise<string> {
  const r = await runCli(['plan', '--mermaid', '-c', config]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
}

describe('hpc-ha plan --mermaid', () => {
  it('the parser used here rejects a broken flowchart (so a pass below means something)', async () => {
    const text = await diagram(`${EXAMPLES}/cn-north-1.yaml`);
    await expect(mermaid.parse(text.replace(/\nend\n?$/, '\n').replace('subgraph waves[', 'subgraph waves[['))).rejects.toThrow(/Parse error/);
  });

  it.each(['cn-north-1', 'cn-northwest-1', 'us-east-1', 'cn-north-1-ondemand'])('%s: a flowchart Mermaid parses, with AZs, portal nodes, clusters, queues, storage and waves', async (name) => {
    const text = await diagram(`${EXAMPLES}/${name}.yaml`);
    await expect(mermaid.parse(text)).resolves.toMatchObject({ diagramType: 'flowchart-v2' });
    expect(text).toMatch(/^flowchart TB\n/);
    expect(text).toMatch(/subgraph az_1\["[a-z]+-[a-z]+-\d[a-z]"\]/);
    expect(text).toContain('Application Load Balancer');
    expect(text).toContain('FSx for Lustre /fsx_cluster2');
    expect(text).toMatch(/queue compute<br\/>c5\.4xlarge × 0-10/);
    expect(text).toMatch(/wave_1\["wave 1<br\/>\S+-VPC 0→\d+ min"\]/);
    if (name.endsWith('ondemand')) {
      expect(text).toContain('Open OnDemand node 1');
      expect(text).not.toMatch(/Aurora|AuroraServerless/);
    } else {
      expect(text).toContain('Aurora MySQL 3');
      expect(text).toContain('EnginFrame node 2');
    }
  }, 30_000);

  it('a created managed directory is drawn, and the plan still parses', async () => {
    await withManagedDirectoryConfig(async (file) => {
      const text = await diagram(file);
      await expect(mermaid.parse(text)).resolves.toMatchObject({ diagramType: 'flowchart-v2' });
      expect(text).toContain('AWS Managed Microsoft AD<br/>corp.example.com');
    });
  });

  it('takes neither --json nor --cost (exit 2)', async () => {
    const r = await runCli(['plan', '--mermaid', '--json', '-c', `${EXAMPLES}/cn-north-1.yaml`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--mermaid prints only the diagram');
  });
});
