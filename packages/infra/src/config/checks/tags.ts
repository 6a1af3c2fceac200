import { tagProblems } from '@hpc-ha/lambdas/tag-rule';
import type { DeploymentConfigFile } from '../schema.js';
import type { Report } from './report.js';

/**
 * `tags:` against the rule the certificate handler applies too (`@hpc-ha/lambdas/tag-rule`): the strictest of
 * the services the app tags, so a tag that passes here is not refused an hour into a deployment.
 */
export function checkTags(c: DeploymentConfigFile, r: Report): void {
  const tags = Object.entries(c.tags).map(([key, value]) => ({ key, value }));
  for (const problem of tagProblems(tags)) {
    if (problem.key === undefined) r.error(['tags'], problem.message, 'key');
    else r.error(['tags', problem.key], problem.message, problem.part === 'key' ? 'key' : 'value');
  }
}
