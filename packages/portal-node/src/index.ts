/**
 * @hpc-ha/portal-node: what every hpc-ha portal node does, for both portals (EnginFrame and Open OnDemand). Pure: spec
 * in, text out; no I/O, clock or randomness.
 */
export { ENGINFRAME_DEFAULT_TIMEOUTS, portalBootBudgetMinutes, type ClusterProvisioner, type PortalBootBudgetInput, type PortalKind } from './budget.js';
export { isDeployTimeValue, splitDeployTime, type Segment } from './deploy-time.js';
export { NODE_BASE_PACKAGES, NODE_DEFAULTS, NODE_DEFAULT_TIMEOUTS } from './defaults.js';
export { checkNodeSpec, composePortalProgram, NODE_STEPS_MARKER, nodeStepVariables, type NodeStepOptions } from './node-render.js';
export { NODE_STEPS } from './node-steps-text.js';
export { shellDoubleQuote, shellSingleQuote, toShellAssignments, type ShellAssignmentOptions, type ShellLine } from './shell.js';
export {
  Artifact,
  ClusterName,
  NODE_SPEC_PROPERTIES,
  NODE_TIMEOUT_PROPERTIES,
  PackageList,
  PortalNodeSpecSchema,
  SecretArn,
  Seconds,
  type PortalNodeSpec,
} from './spec.js';
export { DEPLOY_TIME_FORMATS, SpecValidationError, throwIfProblems, validateSpec, type SpecProblem } from './validate.js';
