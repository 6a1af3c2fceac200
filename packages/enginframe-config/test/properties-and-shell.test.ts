import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  renderAgentConfSettings,
  renderEfinstallConfig,
  renderEnginframeConfSettings,
  renderServerConfSettings,
  shellDoubleQuote,
  shellSingleQuote,
  toJavaProperties,
  toShellAssignments,
} from '../src/index.js';
import { javaAvailable, loadWithJava, type LoadedProperties } from './support/java.js';
import { efinstallSpec } from './support/specs.js';

if (process.env['CI'] === 'true' && !javaAvailable()) throw new Error('CI=true but java is not installed');

/** Values that break naive .properties writers. */
const NASTY: Record<string, string> = {
  'plain.key': 'plain value',
  'colon.equals': 'jdbc:mysql://db:3306/x?a=b&c=d',
  'hash.bang': '#not a comment !nor this',
  backslash: 'C:\\data\\in\\',
  'leading.spaces': '   three leading spaces',
  'trailing.spaces': 'ends with spaces   ',
  tabs: '\ttab\tinside',
  newlines: 'line1\nline2\r\nline3',
  formfeed: 'a\fb',
  latin1: 'café déjà vu ÿ',
  'non.latin1': '中文 Ελληνικά ✓',
  emoji: 'rocket 🚀',
  empty: '',
  'key with spaces': 'v',
  'key=with:separators#!': 'v2',
  'ünïcödé.key': 'u',
  control: 'bell\u0007del\u007f',
  'deploy.time': '${Token[TOKEN.12]} and <DbEndpoint>',
};

describe('toJavaProperties against java.util.Properties', () => {
  let dir: string;
  let loaded: Map<string, LoadedProperties>;
  const files: Record<string, string> = {};

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'efcfg-props-'));
    const write = (name: string, text: string): void => {
      files[name] = join(dir, name);
      writeFileSync(files[name]!, text, 'utf8');
    };
    write('nasty.properties', toJavaProperties(NASTY, { header: 'nasty values\nsecond comment line 中' }));
    write('nasty-spaced.properties', toJavaProperties(NASTY, { separator: ' = ' }));
    write('efinstall.config', renderEfinstallConfig(efinstallSpec()));
    write('agent.conf', renderAgentConfSettings({ downloadServerUrl: 'https://alb.example:443/enginframe/download', extra: { 'ef.output.limit': '1 000' } }));
    write('server.conf', renderServerConfSettings({ enterpriseMembers: '10.0.1.5:7800,10.0.2.9:7800', enterpriseMembersProperty: 'ef.enterprise.tcp.servers', defaultAuthority: 'pam' }));
    if (javaAvailable()) loaded = loadWithJava(Object.values(files));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.skipIf(!javaAvailable())('reads back every nasty key and value exactly, with both separators', () => {
    for (const name of ['nasty.properties', 'nasty-spaced.properties']) {
      const got = loaded.get(files[name]!)!;
      expect(Object.fromEntries(got.entries)).toEqual(NASTY);
    }
  });

  it.skipIf(!javaAvailable())('escapes byte for byte as Properties.store does', () => {
    const ours = toJavaProperties(NASTY).split('\n').filter((l) => l && !l.startsWith('#'));
    const javas = loaded.get(files['nasty.properties']!)!.storeLines;
    expect(new Set(ours)).toEqual(new Set(javas));
    expect(ours).toHaveLength(javas.length);
  });

  it('writes only printable ASCII', () => {
    expect(toJavaProperties(NASTY)).toMatch(/^[\x20-\x7e\n]*$/);
  });

  it.skipIf(!javaAvailable())('efinstall.config gives the installer the intended values', () => {
    const got = loaded.get(files['efinstall.config']!)!.entries;
    expect(got.get('kernel.ef.db.url')).toBe('jdbc:mysql://db.example.internal:3306/EnginFrameDB?sslMode=REQUIRED');
    expect(got.get('kernel.ef.enterprise.tcp.servers')).toBe('10.0.1.5:7800,10.0.2.9:7800');
    expect(got.get('ef.product')).toBe('ENT');
    expect(got.get('kernel.ef.db')).toBe('other-db');
    expect(got.get('kernel.ef.db.savePasswordInKeystore')).toBe('true');
    expect(got.get('kernel.server.tomcat.https')).toBe('true');
    expect(got.get('kernel.tomcat.https.port')).toBe('8443');
    expect(got.get('default.auth.mgr')).toBe('pam');
    expect(got.get('slurm.binaries.path')).toBe('/opt/slurm/bin');
    expect(got.get('nice.root.dir.ui')).toBe('/efs/nice');
    expect(got.get('ef.spooler.dir')).toBe('/efs/nice/enginframe/spoolers');
    expect(got.get('pam.user')).toBe('');
    expect(got.get('intro-targets')).toMatch(/^component_enginframe,.*component_enginframe_finalizer,$/);
    expect(got.get('progress-targets')).toBe('cleanuptarget,');
    expect(got.has('kernel.ef.db.admin.password')).toBe(false);
    expect(got.has('kernel.tomcat.port')).toBe(false);
    expect(got.has('kernel.ef.derby.db.port')).toBe(false);
  });

  it.skipIf(!javaAvailable())('agent.conf and server.conf managed blocks load as intended', () => {
    expect(Object.fromEntries(loaded.get(files['agent.conf']!)!.entries)).toEqual({
      'ef.download.server.url': 'https://alb.example:443/enginframe/download',
      'ef.output.limit': '1 000',
    });
    expect(Object.fromEntries(loaded.get(files['server.conf']!)!.entries)).toEqual({
      'ef.enterprise.tcp.servers': '10.0.1.5:7800,10.0.2.9:7800',
      EF_DEFAULT_AUTHORITY: 'pam',
    });
  });
});

/** Sources `text` in bash and returns the named variables' values as bash sees them. */
function sourceInBash(text: string, names: readonly string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'efcfg-sh-'));
  try {
    const file = join(dir, 'vars.sh');
    writeFileSync(file, text);
    const script = `set -euo pipefail; source "$1"; shift; for n in "$@"; do printf '%s\\0' "\${!n}"; done`;
    const run = spawnSync('bash', ['-c', script, '_', file, ...names], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(run.stderr);
    return run.stdout.split('\0').slice(0, -1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('shell serializers against bash', () => {
  const values: Record<string, string> = {
    PLAIN: 'value',
    QUOTES: `he said "hi" and 'bye'`,
    DOLLAR: '$HOME ${PATH} $(rm -rf /) `id`',
    BACKSLASH: 'a\\b\\\\c\\',
    NEWLINE: 'line1\nline2',
    BANG: 'wow!! !$',
    GLOB: '* ? [a-z]',
    UNICODE: '中文 🚀',
    EMPTY: '',
  };

  it('toShellAssignments round-trips every value through `source`', () => {
    const text = toShellAssignments(values);
    expect(sourceInBash(text, Object.keys(values))).toEqual(Object.values(values));
  });

  it('readonly assignments cannot be overwritten', () => {
    const text = `${toShellAssignments({ X: 'fixed' }, { readonly: true })}(X=changed) 2>/dev/null || true\n`;
    expect(sourceInBash(text, ['X'])).toEqual(['fixed']);
  });

  it('shellSingleQuote and shellDoubleQuote both round-trip', () => {
    for (const v of Object.values(values)) {
      expect(sourceInBash(`A=${shellSingleQuote(v)}\nB=${shellDoubleQuote(v)}\n`, ['A', 'B'])).toEqual([v, v]);
    }
  });

  it('leaves deploy-time values untouched', () => {
    expect(shellDoubleQuote('fs=${Token[TOKEN.7]} db=<DbHost> $x')).toBe('"fs=${Token[TOKEN.7]} db=<DbHost> \\$x"');
  });

  it('rejects bad names and NUL', () => {
    expect(() => toShellAssignments({ 'BAD-NAME': 'x' })).toThrow(/not a shell variable name/);
    expect(() => shellDoubleQuote('a\0b')).toThrow(/NUL/);
  });

  it('enginframe.conf settings source as intended', () => {
    const text = renderEnginframeConfSettings({
      javaHome: '/usr/lib/jvm/java-11-amazon-corretto.x86_64',
      serverMinHeap: '1024m',
      serverMaxHeap: '4g',
      agentMinHeap: '512m',
      agentMaxHeap: '2048m',
      serverJavaOptions: '-Dhttps.proxyHost=proxy.local -Dhttps.proxyPort=3128 -Dx="$y"',
    });
    expect(sourceInBash(text, ['JAVA_HOME', 'SERVER_MAX_HEAP', 'AGENT_MIN_HEAP', 'SERVER_JAVA_OPTIONS'])).toEqual([
      '/usr/lib/jvm/java-11-amazon-corretto.x86_64',
      '4g',
      '512m',
      '-Dhttps.proxyHost=proxy.local -Dhttps.proxyPort=3128 -Dx="$y"',
    ]);
  });
});
