import type { Tag } from '@aws-sdk/client-acm';
import { PropertyErrors } from '../runtime/props.js';
import { CERT_DEFAULTS, CERT_KEY_ALGORITHMS, CERT_PROPERTIES, type CertKeyAlgorithm } from '../properties.js';
import { isDnsName } from './generate.js';
import { tagProblems } from '../tag-rule.js';

export interface CertProps {
  domainName: string;
  keyAlgorithm: CertKeyAlgorithm;
  validityDays: number;
  tags: Tag[];
  deleteWaitSeconds: number;
}

/** Tags the handler sets itself; user tags may not use the prefix, and tag updates leave them alone. */
export const OWN_TAG_PREFIX = 'hpc-ha:';
export const REQUEST_TAG = `${OWN_TAG_PREFIX}cfn-request`;

export function parseCertProps(raw: Readonly<Record<string, unknown>> | undefined): CertProps {
  const p = new PropertyErrors(raw ?? {});
  const domainName = p.requiredString(CERT_PROPERTIES.domainName).toLowerCase();
  if (domainName && !isDnsName(domainName)) {
    p.add(CERT_PROPERTIES.domainName, `"${domainName}" is not a DNS host name`);
  }
  const keyAlgorithm = p.oneOf(CERT_PROPERTIES.keyAlgorithm, CERT_KEY_ALGORITHMS, CERT_DEFAULTS.keyAlgorithm);
  const validityDays = p.integer(CERT_PROPERTIES.validityDays, CERT_DEFAULTS.validityDays, 1, 3650);
  const deleteWaitSeconds = p.integer(CERT_PROPERTIES.deleteWaitSeconds, CERT_DEFAULTS.deleteWaitSeconds, 60, 3600);
  const tags = parseTags(raw?.[CERT_PROPERTIES.tags], p);
  p.check('certificate');
  return { domainName, keyAlgorithm, validityDays, tags, deleteWaitSeconds };
}

function parseTags(raw: unknown, p: PropertyErrors): Tag[] {
  if (raw === undefined || raw === null || raw === '') return [];
  if (!Array.isArray(raw)) {
    p.add(CERT_PROPERTIES.tags, 'must be a list of {Key, Value}');
    return [];
  }
  const tags: { key: string; value: string }[] = [];
  raw.forEach((item: unknown, i) => {
    const tag = item as { Key?: unknown; Value?: unknown } | null;
    if (typeof tag?.Key !== 'string') p.add(`${CERT_PROPERTIES.tags}[${i}].Key`, 'must be a string');
    else if (tag.Value !== undefined && typeof tag.Value !== 'string') p.add(`${CERT_PROPERTIES.tags}[${i}].Value`, 'must be a string');
    else tags.push({ key: tag.Key, value: tag.Value ?? '' });
  });
  // The same rule the config loader applies to `tags:`, so what validate accepts is what this handler accepts.
  for (const problem of tagProblems(tags)) {
    const where = problem.part === 'set' ? CERT_PROPERTIES.tags : `${CERT_PROPERTIES.tags}[${problem.index}].${problem.part === 'key' ? 'Key' : 'Value'}`;
    p.add(where, problem.message);
  }
  return tags.map((t) => ({ Key: t.key, Value: t.value }));
}

/** The properties that define the certificate itself; a change to any of them needs a new one. */
export function sameCertificate(a: CertProps, b: CertProps): boolean {
  return a.domainName === b.domainName && a.keyAlgorithm === b.keyAlgorithm && a.validityDays === b.validityDays;
}

const ACM_ARN = /^arn:[a-z0-9-]+:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/;

export function isCertificateArn(id: string | undefined): id is string {
  return typeof id === 'string' && ACM_ARN.test(id);
}
