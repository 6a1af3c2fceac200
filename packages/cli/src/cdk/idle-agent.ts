import { Agent as HttpAgent, type AgentOptions } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Socket } from 'node:net';

/**
 * The HTTP agent handed to @aws-cdk/toolkit-lib, whose SDK clients set a request timeout that only logs a warning:
 * against an endpoint that accepts the connection and never answers, synth/diff/deploy/destroy would wait forever.
 * A socket silent for `idleMs` is destroyed with ETIMEDOUT, which the toolkit's (bounded) retries treat as
 * transient. Idle, not total: a deploy's CloudFormation calls are short and its asset uploads keep data flowing.
 *
 * The toolkit passes one agent for http and https alike, and Node refuses an agent of the other protocol, so the
 * protocol follows AWS_ENDPOINT_URL (http only for a local emulator).
 */
export function idleTimeoutAgent(idleMs: number, env: NodeJS.ProcessEnv = process.env): HttpsAgent {
  const plain = /^http:/i.test(env['AWS_ENDPOINT_URL'] ?? '');
  const Base = (plain ? HttpAgent : HttpsAgent) as typeof HttpAgent;
  const options: AgentOptions = { keepAlive: true, timeout: idleMs };
  class IdleTimeoutAgent extends Base {
    override createConnection(...args: Parameters<HttpAgent['createConnection']>): ReturnType<HttpAgent['createConnection']> {
      const socket = super.createConnection(...args) as Socket;
      socket.on('timeout', () => socket.destroy(Object.assign(new Error(`no answer within ${idleMs} ms`), { code: 'ETIMEDOUT' })));
      return socket;
    }
  }
  return new IdleTimeoutAgent(options) as unknown as HttpsAgent;
}
