import type { DeploymentConfigFile } from '../schema.js';
import type { Report } from './report.js';
import { quote } from './report.js';

/**
 * An address SNS will accept as an email endpoint and can deliver to: one `@`, no spaces, a dotted domain, within
 * the 254 characters of a mail path. SNS only rejects a bad address at deploy time (the subscription fails and the
 * stack rolls back), so it is refused here.
 */
const EMAIL = /^[^\s@"(),:;<>[\]\\]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;
const MAX_EMAIL_LENGTH = 254;

export function checkNotifications(c: DeploymentConfigFile, r: Report): void {
  const seen = new Map<string, number>();
  c.notifications.emails.forEach((email, i) => {
    const path = ['notifications', 'emails', i] as const;
    if (email.length > MAX_EMAIL_LENGTH || !EMAIL.test(email)) {
      r.error(path, `${quote(email)} is not an email address SNS can deliver to (name@example.com, at most ${MAX_EMAIL_LENGTH} characters)`);
      return;
    }
    // One topic takes one subscription per address; a second entry would be a second resource fighting over it.
    const key = email.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) r.error(path, `${quote(email)} is already listed as notifications.emails[${first}]`);
    else seen.set(key, i);
  });
}
