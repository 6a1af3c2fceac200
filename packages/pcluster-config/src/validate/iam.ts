import { isDeployTimeValue } from '../deploy-time.js';
import { resourcePrefixProblems } from '../iam/resource-prefix.js';
import { dig, str, type Rule } from './context.js';

/** IamResourcePrefixValidator: the prefix's format and the lengths of its path and name parts. */
const resourcePrefix: Rule = (ctx) => {
  const prefix = str(dig(ctx.config, 'Iam', 'ResourcePrefix'));
  if (prefix === undefined || isDeployTimeValue(prefix)) return;
  for (const problem of resourcePrefixProblems(prefix)) ctx.report(['Iam', 'ResourcePrefix'], problem);
};

export const iamRules: readonly Rule[] = [resourcePrefix];
