import { CfnOutput, CfnResource, Stack } from 'aws-cdk-lib';

/**
 * Length stand-ins for values CloudFormation only knows at deploy time, generous so that an estimate is an upper
 * bound in practice: an ARN is at most ~110 characters here, a DNS name ~100, an id ~25.
 */
const PSEUDO: Readonly<Record<string, string>> = {
  'AWS::Partition': 'aws-us-gov',
  'AWS::Region': 'ap-southeast-5x',
  'AWS::AccountId': '123456789012',
  'AWS::URLSuffix': 'amazonaws.com.cn',
  'AWS::StackName': 'x'.repeat(128),
  'AWS::StackId': 'x'.repeat(160),
  'AWS::NoValue': '',
};
const ATTRIBUTE_LENGTH: readonly [RegExp, number][] = [
  [/Arn$/i, 160],
  [/(DNSName|DnsName|Address|Endpoint|Url|URL)/, 120],
  [/(GroupId|Id)$/, 32],
  [/MountName$/, 16],
];
/** What `Ref` returns for the resource types this app references in text (ids are ≤ 25, ARNs ≤ 160 here). */
const REF_LENGTH_BY_TYPE: Readonly<Record<string, number>> = {
  'AWS::EC2::Subnet': 25,
  'AWS::EC2::VPC': 25,
  'AWS::EC2::SecurityGroup': 25,
  'AWS::EFS::FileSystem': 25,
  'AWS::FSx::FileSystem': 25,
  'AWS::SecretsManager::Secret': 160,
  'AWS::IAM::ManagedPolicy': 160,
  'AWS::Logs::LogGroup': 128,
  'AWS::SSM::Parameter': 128,
};
const REF_LENGTH = 64;
const GETATT_LENGTH = 128;
const IMPORT_LENGTH = 160;

const fill = (n: number) => 'x'.repeat(n);

/** Looks up what a `Ref` or `Fn::ImportValue` stands for, to size it by resource type rather than a flat guess. */
export interface EstimateContext {
  refType?(logicalId: string): string | undefined;
  importValue?(exportName: string): { value: unknown; context: EstimateContext } | undefined;
}

/**
 * A resolved CloudFormation value as the string it becomes at deploy time, intrinsics replaced by stand-ins of a
 * generous length (see above). Objects and arrays become their JSON, so a policy document can be measured too.
 */
export function renderEstimate(value: unknown, context: EstimateContext = {}): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return '';
  const s = substitute(value, context);
  return typeof s === 'string' ? s : JSON.stringify(s);
}

/** Sizes `Ref`s by the referenced resource's type and follows `Fn::ImportValue` to the exporting stack's output. */
const contexts = new WeakMap<Stack, EstimateContext>();

export function stackContext(stack: Stack): EstimateContext {
  let context = contexts.get(stack);
  if (!context) {
    context = newStackContext(stack);
    contexts.set(stack, context);
  }
  return context;
}

function newStackContext(stack: Stack): EstimateContext {
  let types: Map<string, string> | undefined;
  let exports: Map<string, CfnOutput> | undefined;
  return {
    refType(logicalId) {
      types ??= new Map(
        stack.node
          .findAll()
          .filter((c): c is CfnResource => CfnResource.isCfnResource(c) && Stack.of(c) === stack)
          .map((c) => [stack.resolve(c.logicalId) as string, c.cfnResourceType]),
      );
      return types.get(logicalId);
    },
    importValue(exportName) {
      exports ??= new Map(
        stack.node.root.node
          .findAll()
          .filter((c): c is CfnOutput => c instanceof CfnOutput && c.exportName !== undefined)
          .map((o) => [Stack.of(o).resolve(o.exportName) as string, o]),
      );
      const output = exports.get(exportName);
      if (!output) return undefined;
      const owner = Stack.of(output);
      return { value: owner.resolve(output.value), context: stackContext(owner) };
    },
  };
}

function substitute(value: unknown, context: EstimateContext): unknown {
  const text = (v: unknown): string => {
    const s = substitute(v, context);
    return typeof s === 'string' ? s : JSON.stringify(s);
  };
  if (Array.isArray(value)) return value.map((v) => substitute(v, context));
  if (value === null || typeof value !== 'object') return value;
  const v = value as Record<string, unknown>;
  const keys = Object.keys(v);
  if (keys.length === 1) {
    const [k] = keys as [string];
    const arg = v[k];
    switch (k) {
      case 'Ref': {
        if (typeof arg === 'string' && arg in PSEUDO) return PSEUDO[arg];
        const type = typeof arg === 'string' ? context.refType?.(arg) : undefined;
        return fill((type !== undefined ? REF_LENGTH_BY_TYPE[type] : undefined) ?? REF_LENGTH);
      }
      case 'Fn::GetAtt': {
        const attr = Array.isArray(arg) ? String(arg[1]) : String(arg).split('.').slice(1).join('.');
        const known = ATTRIBUTE_LENGTH.find(([re]) => re.test(attr));
        return fill(known ? known[1] : GETATT_LENGTH);
      }
      case 'Fn::ImportValue': {
        const exported = typeof arg === 'string' ? context.importValue?.(arg) : undefined;
        return exported ? renderEstimate(exported.value, exported.context) : fill(IMPORT_LENGTH);
      }
      case 'Fn::Join': {
        const [sep, parts] = arg as [string, unknown[]];
        return Array.isArray(parts) ? parts.map((p) => text(p)).join(sep) : fill(GETATT_LENGTH);
      }
      case 'Fn::Sub': {
        const [template, vars] = Array.isArray(arg) ? (arg as [string, Record<string, unknown>]) : [arg as string, {}];
        return String(template).replace(/\$\{([^}!][^}]*)\}/g, (_m, name: string) =>
          name in (vars ?? {}) ? text(vars[name]) : name in PSEUDO ? PSEUDO[name]! : fill(name.includes('.') ? GETATT_LENGTH : REF_LENGTH),
        );
      }
      case 'Fn::Base64':
        return text(arg);
      case 'Fn::If': {
        const [, a, b] = arg as [unknown, unknown, unknown];
        const [ta, tb] = [text(a), text(b)];
        return ta.length >= tb.length ? ta : tb;
      }
      case 'Fn::Select':
      case 'Fn::FindInMap':
      case 'Fn::GetAZs':
      case 'Fn::Split':
      case 'Fn::Cidr':
        return fill(REF_LENGTH);
      default:
        break;
    }
  }
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, substitute(x, context)]));
}

/** The resolved value of one of a resource's properties, as CloudFormation receives it. */
export function resolved(node: CfnResource, value: unknown): unknown {
  return Stack.of(node).resolve(value);
}

/** IAM counts a policy's characters without whitespace (outside strings it makes no difference to JSON). */
export function policyLength(document: unknown): number {
  return renderEstimate(document).replace(/\s+/g, '').length;
}
