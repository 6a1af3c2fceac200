// Source rules CI enforces beyond lint: nothing in shipped source may name the global partition or its DNS suffix
// literally (China deployments would break), and no unfinished-work markers may land.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const SKIP_DIR = new Set(['node_modules', 'dist', 'out-tsc', 'cdk.out', 'test-results', '__fixtures__', 'fixtures', 'golden']);
const isTest = (f) => /\.(test|spec)\.ts$/.test(f);
const rules = [
  { re: /arn:aws:/, why: 'literal global-partition ARN prefix; use the partition (Aws.PARTITION, Stack.formatArn, the spec partition)' },
  { re: /\.amazonaws\.com([^.\w]|$)/, why: 'literal global DNS suffix; use the URL suffix (Aws.URL_SUFFIX, the region profile)' },
  { re: /\b(TODO|FIXME|XXX)\b|not implemented/i, why: 'unfinished-work marker' },
];

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (!SKIP_DIR.has(name)) yield* files(p);
    } else if (/\.(ts|mts|mjs|js|sh)$/.test(name) && !isTest(name)) {
      yield p;
    }
  }
}

const problems = [];
for (const pkg of readdirSync(join(root, 'packages'))) {
  const src = join(root, 'packages', pkg, 'src');
  for (const file of files(src)) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        for (const rule of rules) if (rule.re.test(line)) problems.push(`${relative(root, file)}:${i + 1}: ${rule.why}\n    ${line.trim()}`);
      });
  }
}
if (problems.length) {
  console.error(`check-source: ${problems.length} problem(s):\n${problems.join('\n')}`);
  process.exit(1);
}
console.log('check-source: no literal partition, DNS suffix or unfinished-work marker in packages/*/src');
