export { bootstrapSql, jdbcUrl, type BootstrapSqlOptions, type JdbcUrlOptions, type SqlStatement } from './database.js';
export { isDeployTimeValue, splitDeployTime, type Segment } from '@hpc-ha/portal-node';
export { BOOT_VALUES, EfinstallSpecSchema, renderEfinstallConfig, type EfinstallSpec } from './efinstall.js';
export { INTRO_TARGETS } from './intro-targets.js';
export {
  escapePropertiesKey,
  escapePropertiesValue,
  toJavaProperties,
  type JavaPropertiesOptions,
  type PropertiesLine,
} from './java-properties.js';
export {
  DEFAULT_ACCOUNTS,
  renderPortalBootstrap,
  renderPortalBootstrapEnv,
  renderPortalBootstrapProgram,
} from './portal/render.js';
export { DEFAULT_PACKAGES, PortalBootstrapSpecSchema, type PortalBootstrapSpec } from './portal/spec.js';
export {
  AgentConfSettingsSchema,
  EnginframeConfSettingsSchema,
  MANAGED_BLOCK_BEGIN,
  MANAGED_BLOCK_END,
  renderAgentConfSettings,
  renderEnginframeConfSettings,
  renderServerConfSettings,
  ServerConfSettingsSchema,
  type AgentConfSettings,
  type EnginframeConfSettings,
  type ServerConfSettings,
} from './runtime-conf.js';
export {
  shellDoubleQuote,
  shellSingleQuote,
  toShellAssignments,
  type ShellAssignmentOptions,
  type ShellLine,
} from '@hpc-ha/portal-node';
export { EfSlurmConfSpecSchema, renderEfSlurmConf, type EfSlurmConfSpec } from './slurm.js';
export { SpecValidationError, type SpecProblem } from '@hpc-ha/portal-node';
