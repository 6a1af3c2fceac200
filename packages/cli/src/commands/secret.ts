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
function checkConfigEditable(path: string): void {
  try {
    setYamlValue(readFileSync(path, 'utf8'), ['portal', 'adminPasswordSecretArn'], SAMPLE_ARN, path);
  } catch (e) {
    if (e instanceof CliError) throw usageError(e.message, '--write-config: nothing was created');
    throw e;
  }
  for (const [target, what] of [[path, path], [dirname(path), `the directory ${dirname(path)}`]] as const) {
    try {
      accessSync(target, constants.W_OK);
    } catch {
      throw usageError(`--write-config: ${what} is not writable; nothing was created`, 'fix the permissions, or run without --write-config and set portal.adminPasswordSecretArn by hand');
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
  if (flags.writeConfig) checkConfigEditable(path);

  const password = await readPassword(ui);
  const problems = checkPasswordStrength(password);
  if (problems.length > 0) throw usageError(`the password is too weak: ${problems.join('; ')}`, 'nothing was created');

  const { SecretsManagerClient, CreateSecretCommand } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient(clientConfig(region));
  let arn: string;
  try {
    const result = await client.send(
      new CreateSecretCommand({
        Name: flags.name,
        Description: 'hpc-ha: password of the EnginFrame portal administrator (efadmin)',
        SecretString: JSON.stringify({ [key]: password }),
        Tags: [{ Key: 'hpc-ha:purpose', Value: 'efadmin-password' }],
      }),
    );
    arn = result.ARN ?? '';
  } catch (e) {
    const name = e instanceof Error ? e.name : '';
    if (name === 'ResourceExistsException') {
      throw failure(`a secret named ${flags.name} already exists in ${region}`, 'choose another --name, or delete the old secret first');
    }
    if (name === 'AccessDeniedException') throw failure(`not allowed to create secrets in ${region}`, 'the caller needs secretsmanager:CreateSecret');
    throw e;
  } finally {
    client.destroy();
  }
  if (!arn) throw failure('Secrets Manager returned no ARN');
  ui.out(arn);
  ui.info(`${ui.style.ok(CHECK)} created secret ${flags.name} in ${region} as {"${key}": "…"}`);
  if (flags.writeConfig) {
    try {
      const updated = setYamlValue(readFileSync(path, 'utf8'), ['portal', 'adminPasswordSecretArn'], arn, path);
      // Written next to the original and renamed over it, so an interrupted write never leaves half a config.
      const temp = `${path}.hpc-ha-tmp`;
      writeFileSync(temp, updated);
      renameSync(temp, path);
    } catch (e) {
      // Checked before the secret was made, so only a change to the file in the meantime gets here.
      const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
      throw failure(`the secret was created (ARN above), but ${path} could not be updated: ${why}`, 'set portal.adminPasswordSecretArn to that ARN by hand');
    }
    ui.info(`${ui.style.ok(CHECK)} set portal.adminPasswordSecretArn in ${path}`);
  }
  return EXIT_OK;
}
