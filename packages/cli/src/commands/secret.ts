import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { clientConfig, pickRegion } from '../aws.js';
import { configPath } from '../config-path.js';
import { EXIT_OK, failure, usageError, type ExitCode } from '../exit.js';
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

/**
 * `hpc-ha secret create`: the password comes from a hidden prompt or stdin, is checked, and goes to Secrets
 * Manager in the JSON shape the portal nodes read. Only the ARN is printed.
 */
export async function secretCreateCommand(flags: SecretCreateFlags, ui: Ui): Promise<ExitCode> {
  const path = configPath(flags.config);
  const useConfig = flags.config !== undefined || flags.writeConfig === true || existsSync(path);
  if (useConfig && !existsSync(path)) throw usageError(`${path}: no such file`, 'check -c, or run `hpc-ha init` first');
  const hints = useConfig ? readHints(path) : {};
  const region = pickRegion(flags.region, hints.region);
  if (flags.writeConfig && flags.region && hints.region && flags.region !== hints.region) {
    throw usageError(`--region ${flags.region} differs from the config's region ${hints.region}`, 'a secret in another region cannot be used by this deployment');
  }
  if (!/^[A-Za-z0-9/_+=.@-]{1,512}$/.test(flags.name)) throw usageError(`--name ${JSON.stringify(flags.name)}: Secrets Manager names use letters, digits and /_+=.@- only`);
  const key = hints.key ?? 'efadminPassword';

  const password = await readPassword(ui);
  // A bind password is the directory's to set; it only has to survive sssd.conf, which cannot quote.
  const problems = flags.directoryBind ? bindPasswordProblems(password) : checkPasswordStrength(password);
  if (problems.length > 0) {
    throw usageError(`the password ${flags.directoryBind ? 'cannot be used' : 'is too weak'}: ${problems.join('; ')}`, 'nothing was created');
  }
  const target = flags.directoryBind
    ? { what: 'the directory bind user', secretString: password, shape: 'plain text', purpose: 'directory-bind-password', key: ['directory', 'bindPasswordSecretArn'] }
    : { what: 'the EnginFrame portal administrator (efadmin)', secretString: JSON.stringify({ [key]: password }), shape: `{"${key}": "…"}`, purpose: 'efadmin-password', key: ['portal', 'adminPasswordSecretArn'] };

  const { SecretsManagerClient, CreateSecretCommand } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient(clientConfig(region));
  let arn: string;
  try {
    const result = await client.send(
      new CreateSecretCommand({
        Name: flags.name,
        Description: `hpc-ha: password of ${target.what}`,
        SecretString: target.secretString,
        Tags: [{ Key: 'hpc-ha:purpose', Value: target.purpose }],
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
  ui.info(`${ui.style.ok(CHECK)} created secret ${flags.name} in ${region} as ${target.shape}`);
  if (flags.writeConfig) {
    const text = readFileSync(path, 'utf8');
    const updated = setYamlValue(text, target.key, arn, path);
    // Written next to the original and renamed over it, so an interrupted write never leaves half a config.
    const temp = `${path}.hpc-ha-tmp`;
    writeFileSync(temp, updated);
    renameSync(temp, path);
    ui.info(`${ui.style.ok(CHECK)} set ${target.key.join('.')} in ${path}`);
  }
  return EXIT_OK;
}

/** sssd.conf holds the bind password as the rest of a line: one line, no surrounding spaces. */
function bindPasswordProblems(password: string): string[] {
  if (password === '') return ['it is empty'];
  return password !== password.trim() ? ['it starts or ends with a space, which sssd.conf would drop'] : [];
}
