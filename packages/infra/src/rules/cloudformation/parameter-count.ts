import { stackRule } from './template.js';

/** At most 200 parameters per stack. Source: AWS CloudFormation User Guide, "CloudFormation quotas" (Parameters). */
export const cfnParameterCount = stackRule('CFNParameterCount', 'parameters', 200, (t) => t.parameters, 'Parameters: 200 per template');
