import { accessSync, constants, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseDocument } from 'yaml';
import { clientConfig, pickRegion } from '../aws.js';
import { configPath, requireConfigFile } from '../config-path.js';
import { CliError, EXIT_OK, failure, usageError, type ExitCode } from '../exit.js';
import { checkPasswordStrength, readPassword } from '../password.js';
import type { Ui } from '../ui.js';
import { CHECK } from '../ui.js';
import { setYamlValue } from '../yaml-edit.js';

export interface SecretCreateFlags {
  name: string;
  region?: string;
  config?: string;
  writeConfig?: boolean;
  /** The directory's bind password: stored as plain text (ParallelCluster's form), written to directory.bindPasswordSecretArn. */
  directoryBind?: boolean;
  /** Store a new value in an existing secret (PutSecretValue) instead of creating one; its ARN stays. */
  update?: boolean;
}

interface ConfigHints {
  region?: string;
  key?: string;
}

/** Only the two keys secret create needs, read leniently: the config may not be complete yet. */
function readHints(path: string): ConfigHints {
  const doc = parseDocument(readFileSync(path, 'utf8'));
  const region = doc.getIn(['region']);
  const key = doc.getIn(['portal', 'adminPasswordSecretKey']);
  return { ...(typeof region === 'string' ? { region } : {}), ...(typeof key === 'string' ? { key } : {}) };
}

/** An ARN of the shape Secrets Manager returns, for the dry run of the config edit. */
const SAMPLE_ARN = 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:efadminPassword-AbCdEf';

/**
 * Everything that could stop --write-config after the secret exists, checked before it is created: a secret
 * nobody's config points at is worse than no secret. The edit is tried on the text, and the file and its directory
 * (the new text is written next to it and renamed over it) must be writable.
 */
function checkConfigEditable(path: string, configKey: readonly string[]): void {
  try {
    setYamlValue(readFileSync(path, 'utf8'), configKey, SAMPLE_ARN, path);
  } catch (e) {
    if (e instanceof CliError) throw usageError(e.message, '--write-config: nothing was created');
    throw e;
  }
  for (const [target, what] of [[path, path], [dirname(path), `the directory ${dirname(path)}`]] as const) {
    try {
      accessSync(target, constants.W_OK);
    } catch {
      throw usageError(`--write-config: ${what} is not writable; nothing was created`, `fix the permissions, or run without --write-config and set ${configKey.join('.')} by hand`);
    }
  }
}

/**
 * `hpc-ha secret create`: the password comes from a hidden prompt or stdin, is checked, and goes to Secrets
 * Manager in the JSON shape the portal nodes read. Only the ARN is printed.
 */
export async function secretCreateCommand(flags: SecretCreateFlags, ui: Ui): Promise<ExitCode> {
  const path = configPath(flags.config);
  const useConfig = flags.config !== undefined || flags.writeConfig === true || existsSync(path);
  if (useConfig) requireConfigFile(path, flags.config !== undefined);
  const hints = useConfig ? readHints(path) : {};
  const region = pickRegion(flags.region, hints.region);
  if (flags.writeConfig && flags.region && hints.region && flags.region !== hints.region) {
    throw usageError(`--region ${flags.region} differs from the config's region ${hints.region}`, 'a secret in another region cannot be used by this deployment');
  }
  if (!/^[A-Za-z0-9/_+=.@-]{1,512}$/.test(flags.name)) throw usageError(`--name ${JSON.stringify(flags.name)}: Secrets Manager names use letters, digits and /_+=.@- only`);
  const key = hints.key ?? 'efadminPassword';
  const configKey = flags.directoryBind ? ['directory', 'bindPasswordSecretArn'] : ['portal', 'adminPasswordSecretArn'];
  if (flags.writeConfig) checkConfigEditable(path, configKey);

  const password = await readPassword(ui);
  // A bind password is the directory's to set; it only has to survive sssd.conf, which cannot quote.
  const problems = flags.directoryBind ? bindPasswordProblems(password) : checkPasswordStrength(password);
  if (problems.length > 0) {
    throw usageError(`the password ${flags.directoryBind ? 'cannot be used' : 'is too weak'}: ${problems.join('; ')}`, 'nothing was created');
  }
  const target = flags.directoryBind
    ? { what: 'the directory bind user', secretString: password, shape: 'plain text', purpose: 'directory-bind-password', key: configKey }
    : { what: 'the EnginFrame portal administrator (efadmin)', secretString: JSON.stringify({ [key]: password }), shape: `{"${key}": "…"}`, purpose: 'efadmin-password', key: configKey };

  const arn = await storeSecret(flags, region, target);
  if (!arn) throw failure('Secrets Manager returned no ARN');
  ui.out(arn);
  ui.info(`${ui.style.ok(CHECK)} ${flags.update ? 'stored a new value in' : 'created'} secret ${flags.name} in ${region} as ${target.shape}`);
  if (flags.writeConfig) {
    try {
      const updated = setYamlValue(readFileSync(path, 'utf8'), target.key, arn, path);
      // Written next to the original and renamed over it, so an interrupted write never leaves half a config.
      const temp = `${path}.hpc-ha-tmp`;
      writeFileSync(temp, updated);
      renameSync(temp, path);
    } catch (e) {
      // Checked before the secret was made, so only a change to the file in the meantime gets here.
      const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
      throw failure(`the secret was created (ARN above), but ${path} could not be updated: ${why}`, `set ${target.key.join('.')} to that ARN by hand`);
    }
    ui.info(`${ui.style.ok(CHECK)} set ${target.key.join('.')} in ${path}`);
  }
  return EXIT_OK;
}

const updateHint = (name: string) => `to give it a new password, keeping its ARN: hpc-ha secret create --update --name ${name}`;
const restoreHint = (name: string, region: string) =>
  `Secrets Manager keeps a deleted secret's name until its recovery window ends: restore it (aws secretsmanager restore-secret --secret-id ${name} --region ${region}), then run hpc-ha secret create --update --name ${name}, or choose another --name`;

/** Creates the secret, or with --update puts a new value into the existing one; returns its ARN. */
async function storeSecret(flags: SecretCreateFlags, region: string, target: { what: string; secretString: string; purpose: string }): Promise<string> {
  const { SecretsManagerClient, CreateSecretCommand, DescribeSecretCommand, PutSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient(clientConfig(region));
  try {
    if (flags.update) {
      const result = await client.send(new PutSecretValueCommand({ SecretId: flags.name, SecretString: target.secretString }));
      return result.ARN ?? '';
    }
    const result = await client.send(
      new CreateSecretCommand({
        Name: flags.name,
        Description: `hpc-ha: password of ${target.what}`,
        SecretString: target.secretString,
        Tags: [{ Key: 'hpc-ha:purpose', Value: target.purpose }],
      }),
    );
    return result.ARN ?? '';
  } catch (e) {
    const name = e instanceof Error ? e.name : '';
    const message = e instanceof Error ? e.message : '';
    // A deleted secret keeps its name through its recovery window: AWS answers CreateSecret on it with
    // InvalidRequestException, emulators with ResourceExistsException; DescribeSecret's DeletedDate tells.
    const deleted = async () => {
      try {
        return (await client.send(new DescribeSecretCommand({ SecretId: flags.name }))).DeletedDate !== undefined;
      } catch {
        return false;
      }
    };
    if (name === 'ResourceExistsException' && !(await deleted())) {
      throw failure(`a secret named ${flags.name} already exists in ${region}; nothing was changed`, updateHint(flags.name));
    }
    if (name === 'ResourceExistsException' || (name === 'InvalidRequestException' && /deletion|deleted/i.test(message))) {
      throw failure(`the secret ${flags.name} in ${region} is scheduled for deletion; nothing was changed`, restoreHint(flags.name, region));
    }
    if (name === 'ResourceNotFoundException' && flags.update) {
      throw failure(`no secret named ${flags.name} in ${region} to update; nothing was changed`, 'run without --update to create it');
    }
    if (name === 'AccessDeniedException') {
      throw failure(`not allowed to ${flags.update ? 'update' : 'create'} secrets in ${region}`, `the caller needs secretsmanager:${flags.update ? 'PutSecretValue' : 'CreateSecret'}`);
    }
    throw e;
  } finally {
    client.destroy();
  }
}

/** sssd.conf holds the bind password as the rest of a line: one line, no surrounding spaces. */
function bindPasswordProblems(password: string): string[] {
  if (password === '') return ['it is empty'];
  return password !== password.trim() ? ['it starts or ends with a space, which sssd.conf would drop'] : [];
}
