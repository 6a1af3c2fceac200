import type { CfnElement} from 'aws-cdk-lib';
import { CfnResource, Reference, Stack, Tokenization } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

let cache: Map<IConstruct, CfnResource[]> | undefined;

/** Runs `fn` with the app's resource list computed once (a validation run does not change the tree). */
export function withResourceCache<T>(fn: () => T): T {
  cache = new Map();
  try {
    return fn();
  } finally {
    cache = undefined;
  }
}

/** Every CloudFormation resource of the app `node` belongs to, optionally of one L1 class. */
export function appResources<T extends CfnResource>(node: IConstruct, type?: abstract new (...args: never[]) => T): T[] {
  const root = node.node.root;
  let all = cache?.get(root);
  if (!all) {
    all = root.node.findAll().filter((c): c is CfnResource => CfnResource.isCfnResource(c));
    cache?.set(root, all);
  }
  return all.filter((c): c is T => !type || c instanceof type);
}

/**
 * The resources a property value points at. Works on the value as the L1 holds it, before resolution: a CDK
 * reference token (`sg.securityGroupId`, a role's ARN) names its target directly, in this stack or another; a lazy
 * value is resolved in the node's stack and its `Ref` / `Fn::GetAtt` matched to resources of that stack.
 */
export function referencedResources(node: CfnResource, value: unknown): CfnResource[] {
  const found = new Set<CfnResource>();
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      for (const token of Tokenization.reverseString(v).tokens) collect(token);
    } else if (Array.isArray(v)) {
      const list = Tokenization.reverseList(v);
      if (list) collect(list);
      else v.forEach(walk);
    } else if (Tokenization.isResolvable(v)) {
      collect(v);
    } else if (v && typeof v === 'object') {
      Object.values(v).forEach(walk);
    }
  };
  const collect = (token: unknown): void => {
    if (token instanceof Reference && CfnResource.isCfnResource(token.target)) {
      found.add(token.target);
      return;
    }
    for (const id of logicalIds(Stack.of(node).resolve(token))) {
      const target = resourceByLogicalId(Stack.of(node), id);
      if (target) found.add(target);
    }
  };
  walk(value);
  return [...found];
}

function logicalIds(resolved: unknown, out: string[] = []): string[] {
  if (Array.isArray(resolved)) resolved.forEach((r) => logicalIds(r, out));
  else if (resolved && typeof resolved === 'object') {
    const v = resolved as Record<string, unknown>;
    if (typeof v['Ref'] === 'string') out.push(v['Ref']);
    const getAtt = v['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') out.push(getAtt[0]);
    for (const x of Object.values(v)) logicalIds(x, out);
  }
  return out;
}

function resourceByLogicalId(stack: Stack, id: string): CfnResource | undefined {
  return stack.node
    .findAll()
    .find((c): c is CfnResource => CfnResource.isCfnResource(c) && Stack.of(c) === stack && stack.resolve((c as CfnElement).logicalId) === id);
}

/** Whether `value` points at `target`. */
export function refersTo(node: CfnResource, value: unknown, target: CfnResource): boolean {
  return referencedResources(node, value).includes(target);
}
