/**
 * Where the two configs of an update come from: the ClusterConfiguration property of each Custom::PclusterCluster
 * resource, in the synthesized Clusters template (new) and in the template CloudFormation holds for the deployed
 * stack (old, from GetTemplate).
 */
import { CloudFormationClient, DescribeStacksCommand, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { parse as parseYaml } from 'yaml';
import { awsErrorName, clientConfig } from '../aws.js';
import { failure } from '../exit.js';
import { classifyAwsError, isConnectivityFailure } from '../aws-failure.js';

export const CLUSTER_RESOURCE_TYPE = 'Custom::PclusterCluster';
/** Stack states in which no cluster of the template exists (a failed first create, a change set never run). */
const NEVER_CREATED = ['ROLLBACK_COMPLETE', 'ROLLBACK_FAILED', 'ROLLBACK_IN_PROGRESS', 'REVIEW_IN_PROGRESS', 'CREATE_FAILED', 'DELETE_COMPLETE'];

export interface TemplateCluster {
  /** The ClusterName property (a string in hpc-ha's templates), or the logical id when it is not a string. */
  readonly name: string;
  readonly logicalId: string;
  readonly config: Record<string, unknown>;
}

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Every Custom::PclusterCluster of a template, in template order. */
export function clustersInTemplate(template: unknown): TemplateCluster[] {
  const resources = isRec(template) && isRec(template.Resources) ? template.Resources : {};
  const out: TemplateCluster[] = [];
  for (const [logicalId, r] of Object.entries(resources)) {
    if (!isRec(r) || r.Type !== CLUSTER_RESOURCE_TYPE || !isRec(r.Properties)) continue;
    const name = typeof r.Properties.ClusterName === 'string' ? r.Properties.ClusterName : logicalId;
    const config = r.Properties.ClusterConfiguration;
    if (isRec(config)) out.push({ name, logicalId, config });
  }
  return out;
}

export type DeployedClusters =
  | { readonly status: 'no-stack'; readonly stackName: string; readonly why: string }
  | { readonly status: 'deployed'; readonly stackName: string; readonly clusters: readonly TemplateCluster[] };

export type DeployedTemplate =
  | { readonly status: 'no-stack'; readonly stackName: string; readonly why: string }
  | { readonly status: 'deployed'; readonly stackName: string; readonly template: unknown };

/**
 * The template CloudFormation holds for the deployed stack `stackName` (GetTemplate, the template as last
 * deployed). A stack that does not exist, or whose creation never completed, is not an error: `no-stack`.
 * `purpose` says in the error message why it was read.
 */
export async function deployedTemplate(stackName: string, region: string, client?: CloudFormationClient, purpose = 'to plan the cluster updates'): Promise<DeployedTemplate> {
  const cfn = client ?? new CloudFormationClient(clientConfig(region));
  let body: string | undefined;
  try {
    const status = (await cfn.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0]?.StackStatus;
    // A stack whose creation failed (or never ran) holds a template but no resources: the next deploy creates them anew.
    if (status !== undefined && NEVER_CREATED.includes(status)) return { status: 'no-stack', stackName, why: `${stackName} is ${status}: its resources were never created` };
    body = (await cfn.send(new GetTemplateCommand({ StackName: stackName, TemplateStage: 'Original' }))).TemplateBody;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (awsErrorName(e) === 'ValidationError' && /does not exist/.test(message)) return { status: 'no-stack', stackName, why: `${stackName} is not deployed yet` };
    // A silent or unreachable endpoint is said as such, as every other AWS command says it.
    const classified = classifyAwsError(e);
    if (isConnectivityFailure(classified)) throw failure(`${classified.message}, reading the deployed template of ${stackName} (${purpose})`, classified.hint);
    throw failure(`could not read the deployed template of ${stackName} (${purpose}): ${message.split('\n')[0]}`,
      awsErrorName(e).includes('Credentials') ? 'set AWS_PROFILE (or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) for an account of the target partition' : undefined);
  }
  let template: unknown;
  try {
    // CDK deploys JSON; a template written by hand may be YAML (a superset of JSON, short-form tags aside).
    template = body === undefined ? {} : body.trimStart().startsWith('{') ? JSON.parse(body) : parseYaml(body, { logLevel: 'silent' });
  } catch (e) {
    throw failure(`the deployed template of ${stackName} is not JSON or YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  return { status: 'deployed', stackName, template };
}

/**
 * The clusters of the deployed stack `stackName`, from its template as last deployed (so its ClusterConfiguration
 * is what ParallelCluster holds). A stack that does not exist is not an error: every cluster in it is new.
 */
export async function deployedClusters(stackName: string, region: string, client?: CloudFormationClient): Promise<DeployedClusters> {
  const d = await deployedTemplate(stackName, region, client);
  if (d.status === 'no-stack') return { status: 'no-stack', stackName, why: d.why.replace('its resources were', 'its clusters were') };
  return { status: 'deployed', stackName, clusters: clustersInTemplate(d.template) };
}
