import { afterAll, beforeAll, beforeEach } from 'vitest';
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

/** A test file's moto_server: undefined before beforeAll and where it is not installed (then tests skip). */
export interface FileMoto {
  readonly server: MotoServer | undefined;
}

/**
 * Registers the hooks that give a test file its own moto_server ({@link motoForTests} in beforeAll, stopped in
 * afterAll); with `resetEach`, every test starts from an empty moto.
 */
export function useMoto(opts: { resetEach?: boolean } = {}): FileMoto {
  const moto: { server: MotoServer | undefined } = { server: undefined };
  beforeAll(async () => {
    moto.server = await motoForTests();
  });
  afterAll(async () => {
    await moto.server?.stop();
  });
  if (opts.resetEach) {
    beforeEach(async () => {
      await moto.server?.reset();
    });
  }
  return moto;
}
