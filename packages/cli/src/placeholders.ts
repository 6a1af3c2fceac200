import { readFileSync } from 'node:fs';
import { isPair, isScalar, isSeq, LineCounter, parseDocument, visit } from 'yaml';
import type { ConfigIssue } from '@hpc-ha/infra/config';
import { PLACEHOLDER_ACCOUNT } from './init-template.js';

/** The bucket name `hpc-ha init` (and the examples) write for the EnginFrame and JDBC jars. */
export const PLACEHOLDER_BUCKET = 'my-hpc-artifacts';

const ACCOUNT = new RegExp(`(^|:)${PLACEHOLDER_ACCOUNT}(:|$)`);
const BUCKET = new RegExp(`^s3://${PLACEHOLDER_BUCKET}(-[a-z0-9-]+)?/`);

function advice(path: string, kind: 'account' | 'bucket', file: string): string {
  if (kind === 'bucket') return `${PLACEHOLDER_BUCKET} is the example bucket \`hpc-ha init\` writes: upload the file to a bucket of yours in this region and put its s3:// URI here`;
  if (path === 'portal.adminPasswordSecretArn') return `account ${PLACEHOLDER_ACCOUNT} is the placeholder \`hpc-ha init\` writes: run \`hpc-ha secret create --write-config -c ${file}\``;
  return `account ${PLACEHOLDER_ACCOUNT} is a placeholder, not a real account: put your own here`;
}

/**
 * Values `hpc-ha init` writes as stand-ins (the all-zero account, the example bucket). They pass the schema, so
 * validate says so as warnings: a deploy with them would fail far into its run.
 */
export function placeholderIssues(text: string, file: string): ConfigIssue[] {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  const issues: ConfigIssue[] = [];
  visit(doc, {
    Scalar(key, node, ancestors) {
      if (key === 'key' || typeof node.value !== 'string') return;
      const kind = ACCOUNT.test(node.value) ? 'account' : BUCKET.test(node.value) ? 'bucket' : undefined;
      if (!kind) return;
      const parts: string[] = [];
      ancestors.forEach((a, i) => {
        if (isPair(a) && isScalar(a.key)) parts.push(String(a.key.value));
        const child = ancestors[i + 1] ?? node;
        if (isSeq(a)) parts.push(`[${a.items.indexOf(child as never)}]`);
      });
      const path = parts.join('.').replace(/\.\[/g, '[');
      const pos = lc.linePos(node.range?.[0] ?? 0);
      issues.push({ file, line: pos.line, column: pos.col, path, message: advice(path, kind, file), severity: 'warning' });
    },
  });
  return issues;
}

/** {@link placeholderIssues} of a file already read once by the loader (so it exists and is UTF-8). */
export function placeholderIssuesOf(file: string): ConfigIssue[] {
  return placeholderIssues(readFileSync(file, 'utf8'), file);
}
