import { Agent as HttpAgent, type AgentOptions, type ClientRequest } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Socket } from 'node:net';

/** An agent of one protocol whose sockets end with ETIMEDOUT after `idleMs` of silence. */
function idleAgent(Base: typeof HttpAgent, idleMs: number): HttpAgent {
  class IdleTimeoutAgent extends Base {
    override createConnection(...args: Parameters<HttpAgent['createConnection']>): ReturnType<HttpAgent['createConnection']> {
      const socket = super.createConnection(...args) as Socket;
      socket.on('timeout', () => socket.destroy(Object.assign(new Error(`no answer within ${idleMs} ms`), { code: 'ETIMEDOUT' })));
      return socket;
    }
  }
  return new IdleTimeoutAgent({ keepAlive: true, timeout: idleMs } satisfies AgentOptions);
}

/**
 * The HTTP agent handed to @aws-cdk/toolkit-lib, whose SDK clients set a request timeout that only logs a warning:
 * against an endpoint that accepts the connection and never answers, synth/diff/deploy/destroy would wait forever.
 * A socket silent for `idleMs` is destroyed with ETIMEDOUT, which the toolkit's (bounded) retries treat as
 * transient. Idle, not total: a deploy's CloudFormation calls are short and its asset uploads keep data flowing.
 *
 * The toolkit passes this one agent for http and https alike, and Node refuses an agent whose `protocol` differs
 * from the request's. With AWS_ENDPOINT_URL_<SERVICE>, one service may be a local http endpoint and the others
 * AWS over https, so the protocol is chosen per request: this agent declares none (Node then accepts it for both
 * `http.request` and `https.request`) and hands each request to an inner agent of the request's protocol.
 */
export function idleTimeoutAgent(idleMs: number): HttpsAgent {
  const plain = idleAgent(HttpAgent, idleMs);
  const tls = idleAgent(HttpsAgent as unknown as typeof HttpAgent, idleMs);
  class PerRequestAgent extends HttpAgent {
    constructor() {
      super({ keepAlive: true });
      // No protocol of its own: Node compares it with the request's and would refuse one of the two.
      Object.defineProperty(this, 'protocol', { value: undefined, writable: true });
      // A request without a port takes the agent's default: AWS's endpoints are https (443); an http endpoint is
      // a local emulator or proxy, which names its port (one without is moved to 80 below).
      Object.defineProperty(this, 'defaultPort', { value: 443, writable: true });
    }

    /** Node's hook from ClientRequest to its agent: `https.request` marks its options with the https global agent. */
    addRequest(req: ClientRequest, options: { _defaultAgent?: { protocol?: string }; port?: number | string }): void {
      const secure = options._defaultAgent?.protocol === 'https:';
      if (!secure && Number(options.port) === 443) options.port = 80;
      const inner = (secure ? tls : plain) as unknown as { addRequest(r: ClientRequest, o: unknown): void };
      inner.addRequest(req, options);
    }

    override destroy(): void {
      plain.destroy();
      tls.destroy();
      super.destroy();
    }
  }
  return new PerRequestAgent() as unknown as HttpsAgent;
}
