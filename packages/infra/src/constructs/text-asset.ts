import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import type { Construct } from 'constructs';

/**
 * An S3 asset whose content is generated text (a node script, the portal bootstrap program). The text is staged
 * in a directory named by its hash, so the same text always gives the same asset and nothing is written twice.
 * The text must not contain deploy-time values: an asset is uploaded as-is, tokens are not resolved in it.
 */
export function textAsset(scope: Construct, id: string, fileName: string, content: string): Asset {
  if (content.includes('${Token[')) throw new Error(`internal: ${fileName} contains a CDK token; assets are uploaded verbatim`);
  const hash = createHash('sha256').update(fileName).update('\0').update(content).digest('hex');
  const dir = join(tmpdir(), 'hpc-ha-assets', hash);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, fileName);
  writeFileSync(path, content, { mode: 0o644 });
  return new Asset(scope, id, { path });
}
