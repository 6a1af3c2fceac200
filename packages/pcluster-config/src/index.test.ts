import { describe, expect, it } from 'vitest';
import { PACKAGE_NAME } from './index.js';

describe('package', () => {
  it('is named', () => {
    expect(PACKAGE_NAME).toBe('@hpc-ha/pcluster-config');
  });
});
