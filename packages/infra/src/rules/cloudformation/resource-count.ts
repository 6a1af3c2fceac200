import { stackRule } from './template.js';

/** At most 500 resources per stack. Source: AWS CloudFormation User Guide, "CloudFormation quotas" (Resources). */
export const cfnResourceCount = stackRule('CFNResourceCount', 'resources', 500, (t) => t.resources, 'Resources: 500 per template');
