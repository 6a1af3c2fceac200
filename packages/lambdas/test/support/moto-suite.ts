import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startMoto, type MotoServer } from '../../../../tools/test-harness/moto.js';
import { useAwsEndpoint } from './aws-env.js';
import { captureLogs } from './logs.js';

type CapturedLogs = ReturnType<typeof captureLogs>;

/**
 * Registers the hooks of a suite that runs handlers against moto_server: one server for the suite, every SDK
 * client pointed at it through the environment (as a user would), the handlers' log lines captured, and an empty
 * moto before each test. Call it inside the suite's `describe`; `logs` fills once the suite has started.
 */
export function useMotoSuite(): { logs: Pick<CapturedLogs, 'lines' | 'entries'> } {
  let moto: MotoServer | undefined;
  let restoreEnv: (() => void) | undefined;
  let captured: CapturedLogs | undefined;

  beforeAll(async () => {
    moto = await startMoto();
    restoreEnv = useAwsEndpoint(moto.endpoint);
    captured = captureLogs();
  });
  afterAll(async () => {
    captured?.restore();
    restoreEnv?.();
    await moto?.stop();
  });
  beforeEach(async () => {
    await moto!.reset();
  });

  return {
    logs: {
      get lines() {
        return captured?.lines ?? [];
      },
      entries: () => captured?.entries() ?? [],
    },
  };
}
