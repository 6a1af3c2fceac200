import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { parseDeploymentConfig } from '../load.js';

const BASE = readFileSync(new URL('../__fixtures__/minimal.yaml', import.meta.url), 'utf8');
const FILE = 'hpc-ha.yaml';
/** `notifications:` is appended after the fixture's last line. */
const FIRST_EMAIL_LINE = BASE.trimEnd().split('\n').length + 3;

function withEmails(emails: string[]): string {
  return `${BASE.trimEnd()}\nnotifications:\n  emails:\n${emails.map((e) => `    - ${JSON.stringify(e)}`).join('\n')}\n`;
}

/** What the loader reports for a file; a valid file reports nothing, any other error fails the test. */
const issuesOf = (yaml: string): ConfigError['issues'] => {
  const thrown = ((): unknown => { try { parseDeploymentConfig(yaml, FILE); return undefined; } catch (e) { return e; } })();
  if (thrown !== undefined && !(thrown instanceof ConfigError)) throw thrown;
  return thrown?.issues ?? [];
};

describe('notifications.emails', () => {
  it('defaults to no addresses', () => {
    expect(parseDeploymentConfig(BASE, FILE).notifications.emails).toEqual([]);
  });

  it('keeps valid addresses as written', () => {
    const config = parseDeploymentConfig(withEmails(['hpc-admins@example.com', 'oncall+hpc@ops.example.cn']), FILE);
    expect(config.notifications.emails).toEqual(['hpc-admins@example.com', 'oncall+hpc@ops.example.cn']);
  });

  it.each(['admin', 'admin@localhost', 'a b@example.com', '@example.com', 'x@example..com', `${'a'.repeat(250)}@example.com`])(
    'refuses %j at its own line',
    (bad) => {
      const issues = issuesOf(withEmails(['ok@example.com', bad]));
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatchObject({ path: 'notifications.emails[1]', line: FIRST_EMAIL_LINE + 1, file: FILE });
      expect(issues[0]!.message).toContain('is not an email address SNS can deliver to');
    },
  );

  it('refuses the same address twice, whatever its case', () => {
    const issues = issuesOf(withEmails(['ops@example.com', 'OPS@example.com']));
    expect(issues.map((i) => [i.path, i.line, i.message])).toEqual([
      ['notifications.emails[1]', FIRST_EMAIL_LINE + 1, '"OPS@example.com" is already listed as notifications.emails[0]'],
    ]);
  });

  it('refuses an unknown key under notifications', () => {
    const issues = issuesOf(`${BASE.trimEnd()}\nnotifications:\n  email: ops@example.com\n`);
    expect(issues.some((i) => i.path.startsWith('notifications') && /email/.test(i.message))).toBe(true);
  });
});
