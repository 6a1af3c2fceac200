/**
 * Deploy-time values are strings whose real content is known only when CloudFormation deploys
 * (CDK tokens such as `${Token[TOKEN.123]}`) or readable placeholders the CLI shows instead
 * (`<EfsFileSystemId>`). Generators must carry them through untouched and validate only concrete values.
 */
const CDK_TOKEN = /\$\{Token\[[^\]]*\]\}/;
const CDK_TOKEN_GLOBAL = /\$\{Token\[[^\]]*\]\}|#\{[^}]*\}|<[A-Za-z0-9]+>/g;
const HASH_PLACEHOLDER = /#\{[^}]*\}/;
const ANGLE_PLACEHOLDER = /<[A-Za-z0-9]+>/;

/** True when `value` contains a CDK token, a `#{...}` reference or an `<AngleBracket>` placeholder. */
export function isDeployTimeValue(value: string): boolean {
  return CDK_TOKEN.test(value) || HASH_PLACEHOLDER.test(value) || ANGLE_PLACEHOLDER.test(value);
}

/** A string cut into literal text and deploy-time pieces, in order; joining the pieces gives the input. */
export interface Segment {
  text: string;
  deployTime: boolean;
}

export function splitDeployTime(value: string): Segment[] {
  const segments: Segment[] = [];
  let last = 0;
  for (const match of value.matchAll(CDK_TOKEN_GLOBAL)) {
    const start = match.index;
    if (start > last) segments.push({ text: value.slice(last, start), deployTime: false });
    segments.push({ text: match[0], deployTime: true });
    last = start + match[0].length;
  }
  if (last < value.length) segments.push({ text: value.slice(last), deployTime: false });
  return segments;
}
