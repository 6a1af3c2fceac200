/**
 * @hpc-ha/sssd-config: directory users on hpc-ha nodes. Pure: spec in, text out; no I/O, clock or randomness.
 * The bind password is never an input: nodes read it from Secrets Manager at boot.
 */
export { AD_IN_CHAIN_RULE, escapeLdapFilterValue, ldapAccessFilter, type AccessFilterSpec } from './access-filter.js';
export { BIND_PASSWORD_SNIPPET, SSSD_DOMAIN, clusterSssdOverrides, renderSssdConf, sssdDomainOptions } from './render.js';
export { SSSD_OPTION_PATTERN, SssdSpecSchema, type SssdSpec } from './spec.js';
export { SSSD_PORTAL_STEP, sssdStepVariables, type SssdStepSpec } from './step.js';
export { SssdSpecError } from './validate.js';
