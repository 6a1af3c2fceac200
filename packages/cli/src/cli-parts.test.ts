import { describe, expect, it } from 'vitest';
import { createIoHost, formatActivity } from './cdk/io-host.js';
import { stackPatterns } from './commands/cdk.js';
import { orderOutputs } from './commands/outputs.js';
import { renderReadme } from './render-readme.js';
import { createUi, wantsColor } from './ui.js';

describe('small pieces of the CLI', () => {
  it('stackPatterns turns stack names into the construct ids the toolkit selects by, and keeps the rest', () => {
    expect(stackPatterns('lab', ['EnginFrame', 'lab-VPC', 'F*', 'other-ALB'])).toEqual(['EnginFrame', 'VPC', 'F*', 'other-ALB']);
    expect(stackPatterns('lab', undefined)).toBeUndefined();
  });

  it('orderOutputs puts the portal URL first, then stacks in deployment order', () => {
    const o = orderOutputs(
      [
        { stack: 'lab-VPC', key: 'VpcId', value: 'vpc-1' },
        { stack: 'lab-EnginFrame', key: 'EnginFramePortalURL', value: 'https://x/enginframe' },
        { stack: 'lab-ALB', key: 'AlbDns', value: 'x' },
      ],
      ['lab-VPC', 'lab-ALB', 'lab-EnginFrame'],
    );
    expect(o.map((x) => x.key)).toEqual(['EnginFramePortalURL', 'VpcId', 'AlbDns']);
    const ood = orderOutputs(
      [
        { stack: 'lab-VPC', key: 'VpcId', value: 'vpc-1' },
        { stack: 'lab-OpenOnDemand', key: 'OpenOnDemandPortalURL', value: 'https://x/' },
      ],
      ['lab-VPC', 'lab-OpenOnDemand'],
    );
    expect(ood.map((x) => x.key)).toEqual(['OpenOnDemandPortalURL', 'VpcId']);
  });

  it('formatActivity shows stack, progress, status, type, id, and the reason of a failure', () => {
    const ui = createUi({ color: false, env: {} });
    expect(
      formatActivity(
        {
          event: { StackName: 'lab-EFS', LogicalResourceId: 'Fs', ResourceType: 'AWS::EFS::FileSystem', ResourceStatus: 'CREATE_FAILED', ResourceStatusReason: 'quota' },
          progress: { formatted: ' 2/9' },
        },
        ui,
      ),
    ).toBe('lab-EFS 2/9 CREATE_FAILED      AWS::EFS::FileSystem Fs  quota');
  });

  it('the toolkit host strips ANSI colour without a colour terminal, and answers destroy confirmations only with --yes', async () => {
    const out: string[] = [];
    const sink = { write: (s: string) => (out.push(s), true) } as unknown as NodeJS.WritableStream;
    const ui = createUi({ color: false, env: {}, stdout: sink as never, stderr: sink as never, stdinIsTTY: false });
    const state = { aborted: false, noStackMatched: false };
    const host = createIoHost(ui, { yes: false }, state);
    await host.notify({ time: new Date(), level: 'result', action: 'deploy', code: 'CDK_TOOLKIT_I5900', message: '\x1b[32mdone\x1b[39m', data: {} });
    expect(out).toEqual(['done\n']);
    const ask = { time: new Date(), level: 'info' as const, action: 'destroy' as const, code: 'CDK_TOOLKIT_I7010' as const, message: 'sure?', data: {}, defaultResponse: true };
    expect(await host.requestResponse(ask)).toBe(false);
    expect(await createIoHost(ui, { yes: true }, state).requestResponse(ask)).toBe(true);
  });

  it('renderReadme lists every file with its description', () => {
    const text = renderReadme([{ path: 'cluster1.yaml', description: 'ParallelCluster config of cluster1', content: '' }], 'hpc-ha.yaml');
    expect(text).toContain('cluster1.yaml  ParallelCluster config of cluster1');
    expect(text).toContain('README.txt     this list');
  });

  it('NO_COLOR (non-empty) always wins; FORCE_COLOR turns colour on off a terminal', () => {
    expect(wantsColor({ env: { NO_COLOR: '1', FORCE_COLOR: '1' } })).toBe(false);
    expect(wantsColor({ env: { FORCE_COLOR: '1' } })).toBe(true);
    expect(wantsColor({ env: { FORCE_COLOR: '1' }, color: false })).toBe(false);
    expect(wantsColor({ env: {}, stderr: Object.assign(process.stderr, {}), color: true })).toBe(process.stderr.isTTY === true);
  });
});
