import { createRequire } from 'node:module';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { EXIT_OK, EXIT_USAGE, type ExitCode } from './exit.js';
import { createUi, type Ui } from './ui.js';
import { reportError } from './report-error.js';

/** What every command handler receives: its own options (merged with the global ones) and the UI. */
export type Handler<O> = (opts: O, ui: Ui, args: string[]) => Promise<ExitCode | void>;

interface GlobalFlags {
  quiet?: boolean;
  color?: boolean;
}

export interface RunResult {
  exitCode: ExitCode;
}

/** The CLI's package version (src/ and dist/ both sit next to package.json); CHANGELOG.md and release.json name it. */
const VERSION = (createRequire(import.meta.url)('../package.json') as { version: string }).version;

/**
 * Wraps a lazily imported handler: the module (and whatever heavy library it pulls in) is loaded only when the
 * command actually runs, so `--help` and `validate` start in well under a second.
 */
function lazy<O>(state: { exitCode: ExitCode }, load: () => Promise<Handler<O>>) {
  return async function (this: Command, ...params: unknown[]): Promise<void> {
    const cmd = params[params.length - 1] as Command;
    const opts = cmd.optsWithGlobals<O & GlobalFlags>();
    const ui = createUi({ quiet: opts.quiet === true, color: opts.color !== false });
    // The prompts colour through node:util styleText, which knows neither --no-color nor that NO_COLOR beats
    // FORCE_COLOR here: tell it through the environment, so prompts and messages agree.
    if (!ui.color) {
      process.env['NO_COLOR'] = '1';
      delete process.env['FORCE_COLOR'];
    }
    if (opts.quiet === true) process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
    const args = cmd.args;
    try {
      const handler = await load();
      state.exitCode = (await handler(opts, ui, args)) ?? EXIT_OK;
    } catch (e) {
      state.exitCode = reportError(e, ui);
    }
  };
}

const configOption = () =>
  new Option('-c, --config <file>', 'deployment config (default: $HPC_HA_CONFIG or ./hpc-ha.yaml)');
const stacksOption = () =>
  new Option('--stacks <ids...>', 'only these stacks (deploy adds what they depend on, destroy what depends on them; see --exclusively): ids (VPC AuroraServerless EFS FSX ALB Clusters EnginFrame), stack names or globs; default: all');

const concurrencyOption = () =>
  new Option('--concurrency <n>', 'stacks deployed at the same time, each still after the stacks it depends on (default: the widest wave, see hpc-ha plan)')
    .argParser(positiveInteger('--concurrency'));

/** Commander parser for a whole number ≥ 1; anything else is a usage error naming the option. */
function positiveInteger(flag: string) {
  return (value: string): number => {
    if (!/^[1-9][0-9]{0,2}$/.test(value)) throw new InvalidArgumentError(`${flag} takes a whole number from 1 to 999, not '${value}'`);
    return Number(value);
  };
}

export function buildProgram(state: { exitCode: ExitCode }): Command {
  const program = new Command('hpc-ha');
  program
    .description('Validate, render, check and deploy a highly available EnginFrame + ParallelCluster platform (hpc-ha.yaml).')
    .version(VERSION, '-V, --version')
    .option('-q, --quiet', 'print only results and errors')
    .option('--no-color', 'no colours (also: NO_COLOR=1)')
    .showHelpAfterError('(run with --help for usage)')
    .showSuggestionAfterError(true)
    .configureHelp({ showGlobalOptions: true })
    .addHelpText(
      'after',
      `
Exit codes: 0 ok, 1 failure (AWS refused, a check failed), 2 bad input or usage (invalid config, bad flag).
Environment: AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL (AWS SDK), HPC_HA_CONFIG (default -c), NO_COLOR, CI.`,
    )
    .exitOverride();

  program
    .command('init')
    .description('write a commented hpc-ha.yaml that validates (prompts on a terminal, flags and defaults otherwise)')
    .option('--region <region>', 'AWS Region, e.g. cn-north-1')
    .option('--name <name>', 'deployment name (prefix of every stack)')
    .option('--out <file>', 'where to write the config', 'hpc-ha.yaml')
    .option('--force', 'overwrite an existing file')
    .option('-y, --yes', 'accept defaults without prompting, even on a terminal')
    .option('--portal <kind>', 'enginframe (default) or openondemand')
    .action(lazy(state, async () => (await import('./commands/init.js')).initCommand));

  program
    .command('validate')
    .description('check a config offline: schema, region rules, names, sizes; every problem as file:line:col')
    .argument('[file]', 'the config to check (same as -c)')
    .addOption(configOption())
    .option('--json', 'print the issues as a JSON array on stdout')
    .action(lazy(state, async () => (await import('./commands/validate.js')).validateCommand));

  program
    .command('plan')
    .description('what a deploy creates: stacks in waves with resource counts, modelled critical path; --cost adds the monthly cost')
    .addOption(configOption())
    .option('--cost', 'monthly cost of what runs all the time, from the AWS Price List API (needs credentials)')
    .option('--json', 'print the plan as JSON on stdout')
    .option('--mermaid', 'print the deployment as a Mermaid flowchart (AZs, portal nodes, clusters and queues, storage, database, deploy waves)')
    .action(lazy(state, async () => (await import('./commands/plan.js')).planCommand));

  program
    .command('render')
    .description('write every generated file (cluster configs, node scripts, EnginFrame files, SQL) for review')
    .addOption(configOption())
    .option('--out <dir>', 'output directory', 'rendered')
    .action(lazy(state, async () => (await import('./commands/render.js')).renderCommand));

  const secret = program.command('secret').description('manage the portal administrator (efadmin) password secret');
  secret
    .command('create')
    .description('store the efadmin password in Secrets Manager as {"efadminPassword": "…"} and print its ARN')
    .option('--name <name>', 'secret name', 'efadminPassword')
    .option('--region <region>', 'AWS Region (default: the config\'s region, then $AWS_REGION)')
    .addOption(configOption())
    .option('--write-config', 'also set portal.adminPasswordSecretArn (or directory.bindPasswordSecretArn) in the config, keeping its comments')
    .option('--directory-bind', 'store the directory bind user\'s password instead, as plain text (the form ParallelCluster reads)')
    .option('--update', 'put a new password into the existing secret --name (its ARN stays) instead of creating one')
    .addHelpText(
      'after',
      `
The password is read from a hidden prompt (twice) on a terminal, or from the first line of stdin otherwise,
never from the command line. It needs at least 12 characters with letters, digits and a special character.
  hpc-ha secret create --write-config -c hpc-ha.yaml
  pass show hpc/efadmin | hpc-ha secret create --region cn-north-1
  hpc-ha secret create --directory-bind --name hpcha/ad-bind --write-config -c hpc-ha.yaml
  hpc-ha secret create --update --name efadminPassword -c hpc-ha.yaml   # a new password, same ARN`,
    )
    .action(lazy(state, async () => (await import('./commands/secret.js')).secretCreateCommand));

  program
    .command('doctor')
    .description('check the AWS account is ready: credentials, CDK bootstrap, secret, key pair, instance types, Aurora, installer objects')
    .addOption(configOption())
    .action(lazy(state, async () => (await import('./commands/doctor.js')).doctorCommand));

  program
    .command('synth')
    .description('synthesize the CloudFormation templates (offline, no credentials needed)')
    .addOption(configOption())
    .addOption(stacksOption())
    .option('--out <dir>', 'cloud assembly directory', 'cdk.out')
    .action(lazy(state, async () => (await import('./commands/cdk.js')).synthCommand));

  program
    .command('diff')
    .description('compare the templates with what is deployed')
    .addOption(configOption())
    .addOption(stacksOption())
    .option('--app <dir>', 'use an already synthesized cloud assembly instead of synthesizing')
    .option('--fail', 'exit 1 when there are differences')
    .option('--fleet-stopped', 'the compute fleets are stopped (pcluster update-compute-fleet): plan cluster updates accordingly')
    .action(lazy(state, async () => (await import('./commands/cdk.js')).diffCommand));

  program
    .command('update-check')
    .description('offline: what updating the templates of --from to --to (or -c) does per stack and cluster; exit 2 when it loses data or AWS would refuse it')
    .requiredOption('--from <dir>', 'cloud assembly of what is deployed now (hpc-ha synth --out)')
    .option('--to <dir>', 'cloud assembly of the update (default: synthesize -c)')
    .addOption(configOption())
    .option('--json', 'print the report as JSON on stdout')
    .option('--force-replace <names...>', 'accept losing these resources (logical ID, Stack/LogicalId or construct path, as printed)')
    .option('--changelog <file>', 'accept the breaking changes this CHANGELOG.md lists since the last release')
    .option('--since <version>', 'with --changelog: every release after this version (default: the newest release heading)')
    .option('--fleet-stopped', 'the compute fleets are stopped: accept cluster changes that need it')
    .addHelpText('after', '\nExit codes: 0 the update is safe (the report says what changes), 2 refused (each refusal says what to do).')
    .action(lazy(state, async () => (await import('./commands/update-check.js')).updateCheckCommand));

  program
    .command('deploy')
    .description('deploy (create or update) the stacks, then print the portal URL')
    .addOption(configOption())
    .addOption(stacksOption())
    .option('--app <dir>', 'deploy an already synthesized cloud assembly instead of synthesizing')
    .option('-y, --yes', 'approve security-related changes (IAM, security groups) without asking')
    .addOption(new Option('--method <method>', 'change-set (reviewable, the default) or direct (CreateStack/UpdateStack)').choices(['change-set', 'direct']).default('change-set'))
    .option('-e, --exclusively', 'with --stacks: only those stacks, not the stacks they depend on')
    .option('--skip-preflight', "deploy without first running doctor's account checks (secret, jars, instance types, bootstrap)")
    .option('--fleet-stopped', 'the compute fleets are stopped (pcluster update-compute-fleet): allow cluster updates that need it')
    .option('--force-replace <names...>', 'deploy even though it replaces or deletes these stateful resources (logical ID, Stack/LogicalId or construct path, as the check printed)')
    .addOption(concurrencyOption())
    .action(lazy(state, async () => (await import('./commands/cdk.js')).deployCommand));

  program
    .command('destroy')
    .description('delete the stacks (asks first unless --yes)')
    .addOption(configOption())
    .addOption(stacksOption())
    .option('--app <dir>', 'use an already synthesized cloud assembly instead of synthesizing')
    .option('-e, --exclusively', 'with --stacks: only those stacks, not the stacks that depend on them')
    .option('-y, --yes', 'do not ask for confirmation (required when stdin is not a terminal)')
    .action(lazy(state, async () => (await import('./commands/cdk.js')).destroyCommand));

  program
    .command('status')
    .description("how the running deployment is: stacks, portal nodes by AZ, clusters and head nodes, alarms in ALARM, certificate; exit 0 healthy, 1 degraded, 2 unreadable")
    .addOption(configOption())
    .option('--json', 'print the status as JSON on stdout')
    .action(lazy(state, async () => (await import('./commands/status.js')).statusCommand));

  program
    .command('outputs')
    .description("print the deployment's CloudFormation outputs, portal URL first")
    .addOption(configOption())
    .option('--json', 'print a JSON array of {stack, key, value, description}')
    .action(lazy(state, async () => (await import('./commands/outputs.js')).outputsCommand));

  return program;
}

/** Parses argv, runs the command, and returns the exit code; never calls process.exit itself. */
export async function run(argv: readonly string[]): Promise<RunResult> {
  const state: { exitCode: ExitCode } = { exitCode: EXIT_OK };
  const program = buildProgram(state);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version end with code 0; everything else commander rejects is a usage error.
      return { exitCode: e.exitCode === 0 ? EXIT_OK : EXIT_USAGE };
    }
    throw e;
  }
  return { exitCode: state.exitCode };
}
