import { fileURLToPath } from 'node:url';
import { packageTestConfig } from '../../vitest.shared.js';

// The CLI is tested through its built binary, so the build runs once before the tests (global-setup.ts).
export default packageTestConfig(fileURLToPath(new URL('.', import.meta.url)), {
  test: { globalSetup: ['test/global-setup.ts'] },
});
