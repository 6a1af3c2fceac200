import { parseArn } from '../arn.js';
import type { PathSegment } from '../paths.js';
import type { RegionProfile } from '../region-profile.js';
import type { DeploymentConfigFile } from '../schema.js';
import type { Report } from './report.js';
import { quote } from './report.js';

export interface ArnRule {
  readonly what: string;
  /** `service:resource-prefix` pairs the ARN may match. */
  readonly kinds: readonly { service: string; resource: RegExp; regional: boolean }[];
}

export const SECRET: ArnRule = {
  what: 'a Secrets Manager secret ARN',
  kinds: [{ service: 'secretsmanager', resource: /^secret:.+/, regional: true }],
};
const CERTIFICATE: ArnRule = {
  what: 'an ACM certificate or IAM server certificate ARN',
  kinds: [
    { service: 'acm', resource: /^certificate\/.+/, regional: true },
    { service: 'iam', resource: /^server-certificate\/.+/, regional: false },
  ],
};

/** Every ARN must belong to the deployment's partition, region and (when given) account, or deploy fails late. */
export function checkArn(
  path: readonly PathSegment[],
  text: string,
  rule: ArnRule,
  c: DeploymentConfigFile,
  profile: RegionProfile | undefined,
  r: Report,
): void {
  const arn = parseArn(text);
  const kind = arn && rule.kinds.find((k) => k.service === arn.service && k.resource.test(arn.resource));
  if (!arn || !kind) {
    r.error(path, `${quote(text)} is not ${rule.what}`);
    return;
  }
  if (profile && arn.partition !== profile.partition) {
    r.error(path, `ARN is in partition "${arn.partition}" but ${profile.region} is in "${profile.partition}"; use the ARN of a resource in ${profile.region}`);
  } else if (profile && kind.regional && arn.region !== profile.region) {
    r.error(path, `ARN is in region "${arn.region}" but the deployment is in "${profile.region}"; use a resource in ${profile.region}`);
  }
  if (!/^\d{12}$/.test(arn.account)) r.error(path, `ARN has no 12-digit account id`);
  else if (c.account !== undefined && arn.account !== c.account) {
    r.error(path, `ARN belongs to account ${arn.account} but the deployment is for account ${c.account}`);
  }
}

export function checkArns(c: DeploymentConfigFile, profile: RegionProfile | undefined, r: Report): void {
  if (c.portal.adminPasswordSecretArn !== undefined) {
    checkArn(['portal', 'adminPasswordSecretArn'], c.portal.adminPasswordSecretArn, SECRET, c, profile, r);
  }
  if (c.loadBalancer.certificateArn !== undefined) {
    checkArn(['loadBalancer', 'certificateArn'], c.loadBalancer.certificateArn, CERTIFICATE, c, profile, r);
  }
}
