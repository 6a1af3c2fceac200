/**
 * Values that are only known at deploy time: CDK tokens (`${Token[...]}`, list tokens `#{Token[...]}`) and the
 * readable placeholders the CLI's `render` uses (`<EfsFileSystemId>`). Generators pass them through untouched and
 * validators accept them wherever an id, ARN, IP, hostname or endpoint is expected.
 */
const CDK_TOKEN = /\$\{Token\[/;
const HASH_PLACEHOLDER = /#\{[^}]+\}/;
const ANGLE_PLACEHOLDER = /^<[A-Za-z0-9]+>$/;

export function isDeployTimeValue(s: string): boolean {
  return CDK_TOKEN.test(s) || HASH_PLACEHOLDER.test(s) || ANGLE_PLACEHOLDER.test(s);
}

/**
 * A regular-expression source (ajv `pattern`, `u` flag) accepting either a concrete value matching `core` or any
 * deploy-time value, so schemas can stay strict about concrete ids without rejecting tokens.
 */
export function concreteOrDeployTime(core: string): string {
  return `^(?:${core})$|\\$\\{Token\\[|#\\{[^}]+\\}|^<[A-Za-z0-9]+>$`;
}
