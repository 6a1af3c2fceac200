import { stackRule } from './template.js';

/**
 * A template is at most 1 MB when it is passed through S3, as the CDK deploys it. Source: AWS CloudFormation User
 * Guide, "CloudFormation quotas" (template body size in an Amazon S3 object).
 */
export const cfnTemplateSize = stackRule('CFNTemplateSize', 'bytes', 1024 * 1024, (t) => t.bytes, 'Template body size in an S3 object: 1 MB');
