// Module resolve hook: resolving a specifier listed in HPC_HA_DENY_MODULES (comma-separated; a pattern ending in `*`
// matches by prefix, anything else exactly) fails loudly. Registered by deny-modules-register.mjs.
const denied = (process.env.HPC_HA_DENY_MODULES ?? '').split(',').filter(Boolean);
const matches = (specifier, pattern) => (pattern.endsWith('*') ? specifier.startsWith(pattern.slice(0, -1)) : specifier === pattern);

export async function resolve(specifier, context, next) {
  if (denied.some((pattern) => matches(specifier, pattern))) {
    throw new Error(`HPC_HA_DENIED_MODULE ${specifier} from ${context.parentURL}`);
  }
  return next(specifier, context);
}
