import { startMoto, motoAvailable, type MotoServer } from '../../../tools/test-harness/moto.js';

/**
 * moto_server for a test file: undefined (tests skipped) when it is not installed here, but a failure in CI,
 * where it must be present.
 */
export async function motoForTests(): Promise<MotoServer | undefined> {
  if (!motoAvailable()) {
    if (process.env['CI'] === 'true') throw new Error('moto_server is not installed, and CI=true requires it');
    return undefined;
  }
  return startMoto();
}
