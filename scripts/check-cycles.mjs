// No import cycles anywhere: between the packages (from each package.json's @hpc-ha/* dependencies and every import
// of @hpc-ha/* in its source and tests, types included) and between the modules of each package (every import that
// stays at run time, resolved with TypeScript's own module resolution, as tsc and vitest resolve them; `import type`
// is erased by the compiler and cannot make a load-order cycle). Exits non-zero naming each cycle.
// Usage: node scripts/check-cycles.mjs
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const root = new URL('..', import.meta.url).pathname;
const SKIP_DIR = new Set(['node_modules', 'dist', 'out-tsc', 'cdk.out', 'test-results', 'golden', 'bundle']);
const options = {
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  customConditions: ['@hpc-ha/source'],
  allowJs: true,
  resolveJsonModule: true,
};

function* sources(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (!SKIP_DIR.has(name)) yield* sources(p);
    } else if (/\.(ts|mts)$/.test(name) && !name.endsWith('.d.ts')) {
      yield p;
    }
  }
}

const packages = readdirSync(join(root, 'packages')).filter((d) => statSync(join(root, 'packages', d, 'package.json'), { throwIfNoEntry: false }));
const packageOf = (file) => {
  const rel = relative(join(root, 'packages'), file);
  return rel.startsWith('..') ? undefined : rel.split('/')[0];
};
const nameOf = new Map(packages.map((p) => [JSON.parse(readFileSync(join(root, 'packages', p, 'package.json'), 'utf8')).name, p]));

/** Every module a file imports or re-exports (static or dynamic), and whether only types come from it. */
function importsOf(file) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const found = [];
  const visit = (node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      let typeOnly = false;
      if (ts.isImportDeclaration(node)) {
        const clause = node.importClause;
        const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
        typeOnly = !!clause && (clause.isTypeOnly || (!clause.name && !!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
      } else {
        typeOnly = node.isTypeOnly || (!!node.exportClause && ts.isNamedExports(node.exportClause) && node.exportClause.elements.length > 0 && node.exportClause.elements.every((e) => e.isTypeOnly));
      }
      found.push({ specifier: node.moduleSpecifier.text, typeOnly });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      found.push({ specifier: node.arguments[0].text, typeOnly: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Strongly connected components of size > 1 (or a self-loop): each one is a cycle. */
function cycles(graph) {
  let index = 0;
  const idx = new Map();
  const low = new Map();
  const stack = [];
  const on = new Set();
  const found = [];
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) {
        low.set(v, Math.min(low.get(v), idx.get(w)));
      }
    }
    if (low.get(v) === idx.get(v)) {
      const scc = [];
      let w;
      do {
        w = stack.pop();
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? new Set()).has(v)) found.push(scc.reverse());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return found;
}

const moduleGraph = new Map();
const packageGraph = new Map(packages.map((p) => [p, new Set()]));
for (const pkg of packages) {
  const manifest = JSON.parse(readFileSync(join(root, 'packages', pkg, 'package.json'), 'utf8'));
  for (const dep of Object.keys({ ...manifest.dependencies, ...manifest.devDependencies })) {
    if (nameOf.has(dep)) packageGraph.get(pkg).add(nameOf.get(dep));
  }
  for (const file of sources(join(root, 'packages', pkg))) {
    const edges = new Set();
    for (const { specifier, typeOnly } of importsOf(file)) {
      const resolved = ts.resolveModuleName(specifier, file, options, ts.sys).resolvedModule?.resolvedFileName;
      if (!resolved || (resolved.includes('/node_modules/') && !resolved.includes('/packages/'))) continue;
      const target = packageOf(resolved);
      if (target === pkg) {
        if (!typeOnly) edges.add(resolved);
      } else if (target) packageGraph.get(pkg).add(target);
    }
    moduleGraph.set(file, edges);
  }
}

const problems = [
  ...cycles(packageGraph).map((c) => `package cycle: ${[...c, c[0]].join(' -> ')}`),
  ...cycles(moduleGraph).map((c) => `module cycle: ${[...c, c[0]].map((f) => relative(root, f)).join(' -> ')}`),
];
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`check-cycles: no import cycle among ${packages.length} packages and ${moduleGraph.size} modules`);
