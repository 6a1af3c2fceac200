import type { ErrorObject } from 'ajv';
import { LineCounter, parseDocument } from 'yaml';
import { closest } from './did-you-mean.js';
import { enginframeVersion, fsxDeploymentType, defaultThroughput, semanticIssues, type RawIssue } from './checks/index.js';
import { ConfigError, type ConfigIssue } from './errors.js';
import { resolveDirectory } from './directory.js';
import { ALIAS_BOMB_MESSAGE, aliasBombPosition, capIssues, duplicateKeyIssues, flowDepthIssue, MAX_ALIAS_COUNT, readConfigText, sizeIssue } from './input.js';
import { dottedPath } from './paths.js';
import { locate } from './positions.js';
import { REGION_PROFILES, regionProfile, type RegionProfile } from './region-profile.js';
import { resolveOpenOnDemand, type DeploymentConfig, type PortalConfig } from './resolved.js';
import { validate as validateGenerated } from './generated/validate-deployment-config.js';
import type { DeploymentConfigFile } from './schema.js';
import { schemaIssues } from './schema-issues.js';

export interface LoadOptions {
  /** Called once per warning (problems that do not stop a deployment but deserve attention). */
  readonly onWarning?: (issue: ConfigIssue) => void;
  /**
   * Checks that need more than this module loads (the generators, e.g. `portalUserDataFits` from
   * `@hpc-ha/infra/artifacts`), run on the resolved config; their issues get file, line and column like any other.
   * Kept out of the default so that validating a config stays fast.
   */
  readonly checks?: readonly ConfigCheck[];
}

/** One problem found by a {@link ConfigCheck}: the config key it is about, as a path of keys and indexes. */
export interface ConfigCheckIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
  readonly severity?: 'error' | 'warning';
}

export type ConfigCheck = (config: DeploymentConfig) => readonly ConfigCheckIssue[];

/** ajv errors turned into issues at most; the rest are only counted. */
const MAX_SCHEMA_ERRORS = 1000;

/** ajv's standalone validator for the schema, compiled at build time (scripts/codegen.ts): no TypeBox or ajv compile at run time. */
const validate = validateGenerated as { (data: unknown): boolean; errors?: ErrorObject[] | null };

function resolvePortal(c: DeploymentConfigFile): PortalConfig {
  const { adminPasswordSecretArn, installer, jdbcDriver, openondemand, kind, ...common } = c.portal;
  if (kind === 'openondemand') return { ...common, kind, openondemand: resolveOpenOnDemand(openondemand) };
  // The checks made sure every EnginFrame setting is there.
  return { ...common, kind, adminPasswordSecretArn: adminPasswordSecretArn!, installer: { ...installer!, version: enginframeVersion(c)! }, jdbcDriver: jdbcDriver! };
}

function resolve(c: DeploymentConfigFile, profile: RegionProfile, sourceFile: string): DeploymentConfig {
  const type = fsxDeploymentType(c, profile);
  const throughput = c.storage.fsx.perUnitStorageThroughput ?? defaultThroughput(type);
  const [az1, az2] = c.network.availabilityZones ?? profile.availabilityZones;
  const pipIndexUrl = c.clusters.pipIndexUrl ?? profile.pipIndexUrl;
  return {
    ...c,
    portal: resolvePortal(c),
    partition: profile.partition,
    urlSuffix: profile.urlSuffix,
    regionProfile: profile,
    network: { ...c.network, availabilityZones: [az1!, az2!] },
    storage: {
      fsx: {
        deploymentType: type,
        storageCapacityGiB: c.storage.fsx.storageCapacityGiB,
        ...(throughput === undefined ? {} : { perUnitStorageThroughput: throughput }),
      },
    },
    loadBalancer: { ...c.loadBalancer, internetFacing: c.loadBalancer.internetFacing ?? profile.defaultInternetFacing },
    clusters: { ...c.clusters, ...(pipIndexUrl === undefined ? {} : { pipIndexUrl }) },
    directory: resolveDirectory(c.directory),
    sourceFile,
  };
}

/**
 * Parses and validates the text of an hpc-ha.yaml: YAML syntax, the JSON Schema (every error, not the first), the
 * region profile's defaults, then the rules a schema cannot express. Throws one ConfigError listing every problem
 * with file, line and column; never anything else for bad input.
 */
export function parseDeploymentConfig(text: string, file: string, options: LoadOptions = {}): DeploymentConfig {
  const tooBig = sizeIssue(Buffer.byteLength(text, 'utf8'), file);
  if (tooBig) throw new ConfigError([tooBig]);
  const lineCounter = new LineCounter();
  const tooDeep = flowDepthIssue(text, file);
  if (tooDeep) throw new ConfigError([tooDeep]);
  // Duplicate keys are found by duplicateKeyIssues in one pass; yaml's uniqueKeys check is quadratic.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, strict: true });
  const located = (raw: RawIssue): ConfigIssue => {
    const pos = locate(doc, lineCounter, raw.path, raw.at);
    return { file, line: pos.line, column: pos.column, path: dottedPath(raw.path), message: raw.message, severity: raw.severity };
  };

  const syntax: ConfigIssue[] = doc.errors.map((e) => {
    const pos = e.linePos?.[0] ?? lineCounter.linePos(e.pos[0]);
    return { file, line: pos.line, column: pos.col, path: '', message: `YAML syntax: ${e.message.split('\n')[0]}`, severity: 'error' };
  });
  syntax.push(...duplicateKeyIssues(doc, lineCounter, file));
  if (syntax.length > 0) throw new ConfigError(capIssues(syntax));
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    // yaml throws a ReferenceError, without a position, for an alias expansion over maxAliasCount (and for an alias
    // whose anchor comes later, which the parser has already reported above).
    if (!(e instanceof ReferenceError)) throw e;
    const pos = aliasBombPosition(doc, lineCounter);
    throw new ConfigError([{ file, line: pos.line, column: pos.column, path: '', message: ALIAS_BOMB_MESSAGE, severity: 'error' }]);
  }
  if (data === null || data === undefined) {
    throw new ConfigError([{ file, line: 1, column: 1, path: '', message: 'the file is empty; start from one of the examples/ files', severity: 'error' }]);
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError([{ file, line: 1, column: 1, path: '', message: 'the file must be a mapping of keys (name:, region:, portal: …)', severity: 'error' }]);
  }

  if (!validate(data)) {
    // Turning each of 100k errors into a message (with a did-you-mean) costs seconds; far fewer are ever shown.
    const errors = validate.errors ?? [];
    const used = errors.slice(0, MAX_SCHEMA_ERRORS);
    throw new ConfigError(capIssues(schemaIssues(used).map(located), errors.length - used.length));
  }
  const config = data as DeploymentConfigFile;

  const profile = regionProfile(config.region);
  const issues: RawIssue[] = [];
  if (!profile) {
    const known = Object.keys(REGION_PROFILES);
    const guess = closest(config.region, known);
    issues.push({
      path: ['region'],
      severity: 'error',
      message: `${JSON.stringify(config.region)} is not a region hpc-ha supports${guess ? `; did you mean "${guess}"?` : `; supported: ${known.join(', ')}`}`,
    });
  }
  issues.push(...semanticIssues(config, profile));
  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length > 0 || !profile) throw new ConfigError(errors.map(located));
  for (const w of issues.filter((i) => i.severity === 'warning')) options.onWarning?.(located(w));
  const resolved = resolve(config, profile, file);
  const extra: RawIssue[] = (options.checks ?? []).flatMap((check) => check(resolved).map((i) => ({ path: i.path, message: i.message, severity: i.severity ?? 'error' })));
  const extraErrors = extra.filter((i) => i.severity === 'error');
  if (extraErrors.length > 0) throw new ConfigError(extraErrors.map(located));
  for (const w of extra.filter((i) => i.severity === 'warning')) options.onWarning?.(located(w));
  return resolved;
}

/** Reads and validates a deployment config file; see {@link parseDeploymentConfig}. */
export function loadDeploymentConfig(path: string, options: LoadOptions = {}): DeploymentConfig {
  const read = readConfigText(path);
  if ('issue' in read) throw new ConfigError([read.issue]);
  return parseDeploymentConfig(read.text, path, options);
}
