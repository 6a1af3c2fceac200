import { join, resolve } from 'node:path';
import type { ICloudAssemblySource, StackSelector, Toolkit } from '@aws-cdk/toolkit-lib';
import type * as ToolkitLib from '@aws-cdk/toolkit-lib';
import type { DeploymentConfig } from '@hpc-ha/infra/config';
import { createIoHost, type HostState } from '../cdk/io-host.js';
import { idleTimeoutAgent } from '../cdk/idle-agent.js';
import { requestTimeoutMs, TIMEOUT_HINT } from '../aws.js';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, failure, usageError, type ExitCode } from '../exit.js';
import { loadConfig } from '../load-config.js';
import { deployWaves, ONDEMAND_PORTAL_URL_OUTPUT, PORTAL_URL_OUTPUT, STACK_IDS, stackGraph, stackName } from '@hpc-ha/infra/config';
import type { Ui } from '../ui.js';
import { CHECK } from '../ui.js';
import { requireOutDir } from '../out-path.js';
import { stagedSynthDir, temporarySynthDir } from '../cdk/synth-dir.js';
import { checkClusterUpdates, type ClusterUpdateFlags } from '../cluster-updates/guard.js';
import { checkDeployedUpdate, type DeployedCheckFlags } from '../update-check/deployed.js';

interface CdkFlags {
  config?: string;
  stacks?: string[];
  app?: string;
  yes?: boolean;
  /** Only the stacks --stacks names, without the ones they depend on (deploy) or that depend on them (destroy). */
  exclusively?: boolean;
}

export interface DeployFlags extends CdkFlags, ClusterUpdateFlags, DeployedCheckFlags {
  method?: 'change-set' | 'direct';
  /** commander's name for --skip-preflight. */
  skipPreflight?: boolean;
  concurrency?: number;
}

export interface SynthFlags extends CdkFlags {
  out: string;
}
export interface DiffFlags extends CdkFlags, ClusterUpdateFlags {
  fail?: boolean;
}

interface Session {
  config: DeploymentConfig;
  toolkit: Toolkit;
  lib: typeof ToolkitLib;
  state: HostState;
}

/**
 * The toolkit selects stacks by construct id (`EnginFrame`); users may also name the CloudFormation stack
 * (`<name>-EnginFrame`). Globs and anything else pass through.
 */
export function stackPatterns(name: string, patterns: readonly string[] | undefined): string[] | undefined {
  if (!patterns || patterns.length === 0) return undefined;
  return patterns.map((p) => STACK_IDS.find((id) => p === stackName(name, id)) ?? p);
}

/**
 * Like the CDK CLI: a deploy of X also deploys what X depends on (`upstream`), a destroy of X also destroys what
 * depends on X (`downstream`), unless --exclusively; diff and synth look at exactly the stacks named.
 */
function selector(lib: Session['lib'], s: Session, flags: CdkFlags, expand: 'upstream' | 'downstream' | 'none' = 'none'): StackSelector {
  const patterns = stackPatterns(s.config.name, flags.stacks);
  if (!patterns) return { strategy: lib.StackSelectionStrategy.ALL_STACKS };
  const how = flags.exclusively || expand === 'none' ? lib.ExpandStackSelection.NONE : expand === 'upstream' ? lib.ExpandStackSelection.UPSTREAM : lib.ExpandStackSelection.DOWNSTREAM;
  return { strategy: lib.StackSelectionStrategy.PATTERN_MUST_MATCH, patterns, expand: how };
}

/** `*` matches any run of characters, as in the CDK CLI's stack patterns. */
function globMatch(pattern: string, name: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(name);
}

async function session(flags: CdkFlags, ui: Ui, resultsToStderr = false): Promise<Session> {
  const config = await loadConfig(flags, ui);
  const lib = await import('@aws-cdk/toolkit-lib');
  const state: HostState = { aborted: false, noStackMatched: false };
  const toolkit = new lib.Toolkit({
    ioHost: createIoHost(ui, { yes: flags.yes === true, debug: process.env['HPC_HA_DEBUG'] === '1', resultsToStderr }, state),
    color: ui.color,
    emojis: false,
    sdkConfig: { httpOptions: { agent: idleTimeoutAgent(requestTimeoutMs()) } },
  });
  return { config, toolkit, lib, state };
}

/**
 * The cloud assembly source: the same CDK app `nx run infra:synth` builds (createApp), synthesized in this process,
 * or a directory synthesized earlier (--app).
 */
async function source(s: Session, flags: CdkFlags, opts: { outdir?: string; offline: boolean }): Promise<ICloudAssemblySource> {
  if (flags.app) return s.toolkit.fromAssemblyDirectory(resolve(flags.app));
  const { createApp } = await import('@hpc-ha/infra');
  const config = s.config;
  return s.toolkit.fromAssemblyBuilder(
    async (props) => {
      const app = createApp(config, { ...(props.outdir ? { outdir: props.outdir } : {}), ...(props.context ? { context: props.context } : {}) });
      return app.synth();
    },
    {
      // Never the toolkit's own temporary cdk.out*, which it keeps after a successful synth: see synth-dir.ts.
      outdir: resolve(opts.outdir ?? temporarySynthDir().path),
      // Synth must work offline without credentials: no STS call for a default account, no context lookups.
      ...(opts.offline ? { resolveDefaultEnvironment: false, lookups: false } : {}),
    },
  );
}

/** Toolkit errors the user can fix (bad stack pattern, invalid app) are exit 2; AWS and deployment failures 1. */
function toolkitError(e: unknown, lib: Session['lib'], state?: HostState): never {
  if (e instanceof CliError) throw e;
  if (state?.timedOut) throw failure(`no answer from AWS within ${requestTimeoutMs() / 1000} s, after the toolkit's retries`, TIMEOUT_HINT);
  if (lib.ToolkitError.isToolkitError(e)) {
    const err = e as Error & { source?: string };
    // Declined at the confirmation (or no --yes off a terminal): the user's choice, not a usage error, and no hint.
    if (lib.ToolkitError.isAbortError(e)) throw failure(`${err.message.split('\n')[0] ?? 'cancelled'}; nothing more was changed`);
    if (lib.ToolkitError.isAuthenticationError(e)) {
      throw failure(`AWS credentials: ${err.message.split('\n')[0]}`, 'set AWS_PROFILE (or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) for an account of the target partition');
    }
    const bad = err.source === 'user' || /^No stacks match/.test(err.message);
    throw new CliError(err.message.split('\n')[0] ?? err.name, bad ? EXIT_USAGE : EXIT_FAILURE, bad ? 'stack ids: VPC AuroraServerless EFS FSX ALB Clusters EnginFrame' : undefined);
  }
  throw e;
}

/**
 * Synthesizes once, then plans each ParallelCluster cluster update from the Clusters template (printed per cluster;
 * with `refuse`, exit 2 before anything is deployed when ParallelCluster would refuse it). Returns the assembly for
 * the toolkit action that follows, so it works on exactly the templates that were checked. `upstream`: the action
 * also takes the stacks the selected ones depend on (deploy without --exclusively). Then the update check of the
 * same templates against the deployed ones (update-check/deployed.ts), refusing with `refuse` as well.
 */
async function withClusterUpdates(
  s: Session, cx: ICloudAssemblySource, flags: CdkFlags & ClusterUpdateFlags & DeployedCheckFlags, ui: Ui, opts: { refuse: boolean; upstream: boolean },
): Promise<{ source: ICloudAssemblySource; dispose(): Promise<void> }> {
  const patterns = stackPatterns(s.config.name, flags.stacks);
  const named = (st: { hierarchicalId: string; stackName: string }) =>
    !patterns || patterns.some((p) => globMatch(p, st.hierarchicalId) || globMatch(p, st.stackName));
  const assembly = await s.toolkit.synth(cx);
  try {
    const all = assembly.cloudAssembly.stacksRecursively;
    const selected = new Set(all.filter(named));
    // Dependencies of what is deployed are deployed first, so they count as selected.
    for (const st of opts.upstream ? [...selected] : []) {
      const queue = [...st.dependencies];
      while (queue.length) {
        const d = queue.pop()!;
        const dep = all.find((x) => x.id === d.id);
        if (dep && !selected.has(dep)) {
          selected.add(dep);
          queue.push(...dep.dependencies);
        }
      }
    }
    await checkClusterUpdates(s.config, [...selected], ui, { refuse: opts.refuse, ...flags });
    // Update check (issue 26): stateful resources lost, exports still imported, the munge key renewed on one side.
    await checkDeployedUpdate(s.config, all, [...selected], ui, { refuse: opts.refuse, ...flags });
  } catch (e) {
    await assembly.dispose();
    throw e;
  }
  return { source: assembly, dispose: () => assembly.dispose() };
}

/** `hpc-ha synth`: templates into --out, no AWS call. */
export async function synthCommand(flags: SynthFlags, ui: Ui): Promise<ExitCode> {
  requireOutDir(flags.out);
  // The toolkit's own synth summary goes to stderr; stdout gets one line per template written.
  const s = await session(flags, ui, true);
  const out = stagedSynthDir(flags.out);
  try {
    const cx = await source(s, flags, { outdir: out.path, offline: true });
    ui.info(`synthesizing ${s.config.name} (${s.config.region}) into ${flags.out} …`);
    const assembly = await s.toolkit.synth(cx, { stacks: selector(s.lib, s, flags), validateStacks: true });
    try {
      const wanted = stackPatterns(s.config.name, flags.stacks);
      for (const st of assembly.cloudAssembly.stacksRecursively) {
        if (wanted && !wanted.some((p) => globMatch(p, st.hierarchicalId))) continue;
        ui.out(`${ui.style.ok(CHECK)} ${st.stackName}  ${join(flags.out, st.templateFile)}`);
      }
    } finally {
      await assembly.dispose();
    }
    out.commit();
  } catch (e) {
    toolkitError(e, s.lib, s.state);
  } finally {
    out.dispose();
  }
  return EXIT_OK;
}

/** `hpc-ha diff`: what a deploy would change, stack by stack. */
export async function diffCommand(flags: DiffFlags, ui: Ui): Promise<ExitCode> {
  const s = await session(flags, ui);
  let changes = 0;
  try {
    const cx = await withClusterUpdates(s, await source(s, flags, { offline: false }), flags, ui, { refuse: false, upstream: false });
    try {
      const diffs = await s.toolkit.diff(cx.source, { stacks: selector(s.lib, s, flags), method: s.lib.DiffMethod.TemplateOnly() });
      for (const d of Object.values(diffs)) changes += d.differenceCount;
    } finally {
      await cx.dispose();
    }
  } catch (e) {
    toolkitError(e, s.lib, s.state);
  }
  ui.info(changes === 0 ? 'no differences' : `${changes} difference${changes === 1 ? '' : 's'}`);
  return flags.fail && changes > 0 ? EXIT_FAILURE : EXIT_OK;
}

/** How many stacks `deploy` runs at once: the flag, else the widest wave of the config's stack graph. */
export function deployConcurrency(config: DeploymentConfig, flag: number | undefined): number {
  return flag ?? Math.max(...deployWaves(stackGraph(config)).map((w) => w.length));
}

/** `hpc-ha deploy`: creates or updates the stacks, with CloudFormation events as progress, then the portal URL. */
export async function deployCommand(flags: DeployFlags, ui: Ui): Promise<ExitCode> {
  const s = await session(flags, ui);
  if (!flags.skipPreflight) await (await import('../preflight.js')).preflight(s.config, ui);
  let portal: string | undefined;
  try {
    const cx = await withClusterUpdates(s, await source(s, flags, { offline: false }), flags, ui, { refuse: true, upstream: flags.exclusively !== true });
    try {
      const result = await s.toolkit.deploy(cx.source, {
        stacks: selector(s.lib, s, flags, 'upstream'),
        deploymentMethod: flags.method === 'direct' ? { method: 'direct' } : { method: 'change-set' },
        concurrency: deployConcurrency(s.config, flags.concurrency),
      });
      for (const st of result.stacks) {
        ui.info(`${ui.style.ok(CHECK)} ${st.stackName}`);
        portal ??= st.outputs[PORTAL_URL_OUTPUT] ?? st.outputs[ONDEMAND_PORTAL_URL_OUTPUT];
      }
    } finally {
      await cx.dispose();
    }
  } catch (e) {
    toolkitError(e, s.lib, s.state);
  }
  if (portal) ui.out(`Portal: ${ui.style.bold(portal)}`);
  else if (s.config.portal.kind === 'openondemand') ui.info(`the portal URL is the ${ONDEMAND_PORTAL_URL_OUTPUT} output of the OpenOnDemand stack: hpc-ha outputs -c ${s.config.sourceFile}`);
  else ui.info(`the portal URL is the ${PORTAL_URL_OUTPUT} output of the EnginFrame stack: hpc-ha outputs -c ${s.config.sourceFile}`);
  return EXIT_OK;
}

/** `hpc-ha destroy`: deletes the stacks after a confirmation (or --yes). */
export async function destroyCommand(flags: CdkFlags, ui: Ui): Promise<ExitCode> {
  if (!flags.yes && !ui.interactive) {
    throw usageError('destroy needs --yes when stdin is not a terminal', 'nothing was deleted');
  }
  const s = await session(flags, ui);
  let deleted = 0;
  try {
    const cx = await source(s, flags, { offline: false });
    const result = await s.toolkit.destroy(cx, { stacks: selector(s.lib, s, flags, 'downstream') });
    deleted = result.stacks.length;
  } catch (e) {
    toolkitError(e, s.lib, s.state);
  }
  if (s.state.aborted) throw failure('not confirmed; nothing was deleted');
  if (s.state.noStackMatched) throw usageError(`no stack matches ${(flags.stacks ?? []).join(', ')}`);
  ui.out(`${ui.style.ok(CHECK)} destroyed ${deleted} stack${deleted === 1 ? '' : 's'} of ${s.config.name}`);
  return EXIT_OK;
}
