export { OOD_BOOT_VALUES, type OodBootValue } from './boot-values.js';
export { OodBrandingSpecSchema, renderOodBrandingYml, type OodBrandingSpec } from './branding-yml.js';
export { OodClusterSpecSchema, renderOodClusterYml, type OodClusterSpec } from './cluster-yml.js';
export {
  OOD_DESKTOP_BIN_DIR,
  OOD_DESKTOP_CONFIG_DIR,
  OOD_DESKTOP_PORTS,
  OOD_WEBSOCKIFY_CMD,
  OodDesktopSpecSchema,
  computeHostRegex,
  computeNodeDomain,
  desktopBatchConnect,
  renderOodDesktopAppYml,
  renderOodDesktopFiles,
  renderOodDesktopSubmitYml,
  type OodDesktopSpec,
} from './desktop-app.js';
export {
  DEFAULT_CERTIFICATE,
  DexLdapSchema,
  ExternalOidcSchema,
  OodPortalSpecSchema,
  renderOodPortalYml,
  type DexLdapSpec,
  type OodPortalSpec,
} from './portal-yml.js';
export { OOD_HOME_HOOK_FILE, OodHomeHookSpecSchema, renderOodHomeHook, type OodHomeHookSpec } from './portal/home-hook.js';
export { renderOodBootstrap, renderOodBootstrapEnv, renderOodBootstrapProgram } from './portal/render.js';
export {
  DEFAULT_LDAP_CA_FILE,
  OOD_DEFAULT_PACKAGES,
  OOD_HEALTH_CHECK_PATH,
  OOD_HEALTH_FILE,
  OOD_REPOSITORY_URL,
  OodBootstrapSpecSchema,
  type OodBootstrapSpec,
} from './portal/spec.js';
export { SpecValidationError, type SpecProblem } from '@hpc-ha/portal-node';
