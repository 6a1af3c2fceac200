import { stackRule } from './template.js';

/** At most 200 outputs per stack. Source: AWS CloudFormation User Guide, "CloudFormation quotas" (Outputs). */
export const cfnOutputCount = stackRule('CFNOutputCount', 'outputs', 200, (t) => t.outputs, 'Outputs: 200 per template');
