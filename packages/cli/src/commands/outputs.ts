import { clientConfig } from '../aws.js';
import { certificateExpiryOutputs } from '../certificate-expiry.js';
import { EXIT_OK, failure, type ExitCode } from '../exit.js';
import { loadConfig } from '../load-config.js';
import { ONDEMAND_PORTAL_URL_OUTPUT, PORTAL_URL_OUTPUT, STACK_IDS, stackName } from '@hpc-ha/infra/config';

/** Either portal's URL output (EnginFrame or Open OnDemand). */
const isPortalUrl = (key: string): boolean => key === PORTAL_URL_OUTPUT || key === ONDEMAND_PORTAL_URL_OUTPUT;
import type { Ui } from '../ui.js';

export interface OutputsFlags {
  config?: string;
  json?: boolean;
}

export interface StackOutput {
  stack: string;
  key: string;
  value: string;
  description?: string;
}

/** Portal URL first, then stack by stack in deployment order, keys alphabetically. */
export function orderOutputs(outputs: StackOutput[], stackOrder: readonly string[]): StackOutput[] {
  const rank = (o: StackOutput) => (isPortalUrl(o.key) ? -1 : stackOrder.indexOf(o.stack));
  return [...outputs].sort((a, b) => rank(a) - rank(b) || a.key.localeCompare(b.key));
}

/** `hpc-ha outputs`: what the deployed stacks publish, read from CloudFormation. */
export async function outputsCommand(flags: OutputsFlags, ui: Ui): Promise<ExitCode> {
  const config = await loadConfig(flags, ui);
  const { CloudFormationClient, DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
  const client = new CloudFormationClient(clientConfig(config.region));
  const names = STACK_IDS.map((id) => stackName(config.name, id));
  const found: string[] = [];
  const outputs: StackOutput[] = [];
  try {
    for (const name of names) {
      try {
        const r = await client.send(new DescribeStacksCommand({ StackName: name }));
        const stack = r.Stacks?.[0];
        if (!stack || stack.StackStatus === 'DELETE_COMPLETE') continue;
        found.push(`${name} (${stack.StackStatus})`);
        for (const o of stack.Outputs ?? []) {
          if (o.OutputKey === undefined || o.OutputValue === undefined) continue;
          outputs.push({ stack: name, key: o.OutputKey, value: o.OutputValue, ...(o.Description ? { description: o.Description } : {}) });
        }
      } catch (e) {
        // CloudFormation answers a missing stack with a ValidationError "Stack with id … does not exist".
        if (e instanceof Error && e.name === 'ValidationError' && /does not exist/.test(e.message)) continue;
        throw e;
      }
    }
  } finally {
    client.destroy();
  }
  if (found.length === 0) {
    throw failure(`no stack of deployment ${config.name} in ${config.region} (looked for ${names.join(', ')})`, `deploy first: hpc-ha deploy -c ${config.sourceFile}`);
  }
  const ordered = [...orderOutputs(outputs, names), ...(await certificateExpiryOutputs(config.region, outputs, ui))];
  if (flags.json) {
    ui.out(JSON.stringify(ordered, null, 2));
    return EXIT_OK;
  }
  ui.info(`stacks: ${found.join(', ')}`);
  const width = Math.max(0, ...ordered.map((o) => o.key.length));
  for (const o of ordered) {
    const line = `${o.key.padEnd(width)}  ${o.value}`;
    ui.out(isPortalUrl(o.key) ? ui.style.bold(line) : line);
  }
  if (!ordered.some((o) => isPortalUrl(o.key))) {
    const [key, stack] = config.portal.kind === 'openondemand' ? [ONDEMAND_PORTAL_URL_OUTPUT, 'OpenOnDemand'] : [PORTAL_URL_OUTPUT, 'EnginFrame'];
    ui.warn(`no ${key} output yet: the ${stack} stack is not deployed`);
  }
  return EXIT_OK;
}
