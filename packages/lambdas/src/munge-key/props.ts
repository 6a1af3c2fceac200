import { PropertyErrors } from '../runtime/props.js';
import { MUNGE_KEY_PROPERTIES as K } from '../properties.js';

export interface MungeKeyProps {
  secretId: string;
  /** `undefined` when absent or empty: adding an empty token is no change. */
  rotationToken: string | undefined;
}

const SECRET_ID = /^(arn:[a-z0-9-]+:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+|[A-Za-z0-9/_+=.@-]{1,512})$/;
const MAX_TOKEN = 256;

export function parseMungeKeyProps(raw: Readonly<Record<string, unknown>> | undefined): MungeKeyProps {
  const p = new PropertyErrors(raw ?? {});
  const secretId = p.requiredString(K.secretArn);
  if (secretId && !SECRET_ID.test(secretId)) p.add(K.secretArn, 'must be a Secrets Manager secret ARN or name');
  const rotationToken = p.string(K.rotationToken);
  if (rotationToken !== undefined && rotationToken.length > MAX_TOKEN) p.add(K.rotationToken, `must be at most ${MAX_TOKEN} characters`);
  p.check('munge key');
  return { secretId, rotationToken };
}
