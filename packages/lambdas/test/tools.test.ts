import { describe, expect, it } from 'vitest';
import { inCI, TOOLS } from './support/tools.js';

/**
 * The integration suites skip on a developer machine that lacks a tool. In CI that would hide
 * untested handlers, so there a missing tool is a failure.
 */
describe('real consumers the tests need', () => {
  for (const [tool, available] of Object.entries(TOOLS)) {
    it.runIf(inCI)(`${tool} is installed (CI=true)`, () => {
      expect(available(), `${tool} is required when CI=true`).toBe(true);
    });
    it.skipIf(inCI || available())(`${tool} is missing here: its suite is skipped (it would fail in CI)`, () => {
      expect(available()).toBe(false);
    });
  }
});
