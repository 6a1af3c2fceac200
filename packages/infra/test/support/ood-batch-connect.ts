/**
 * Open OnDemand's side of an interactive session, for the rehearsal: the job script its batch_connect `vnc` template
 * renders, and the `/rnode` node proxy its portal generator writes into Apache.
 *
 * The job script reproduces, step for step, what ood_core's OodCore::BatchConnect::Template and Templates::VNC
 * (github.com/OSC/ood_core, lib/ood_core/batch_connect/template.rb and templates/vnc.rb, read at 86656b38) render
 * from a context: the same context keys and defaults (work_dir, conn_file, min_port/max_port 2000-65535,
 * password_size 8, set_host `host=$(hostname)`, script_wrapper `%s`, websockify_cmd, vnc_log, vnc_passwd, the
 * before/script/after/clean files), the same commands with the same arguments (`vncpasswd -f`, `vncserver -log
 * <log> -rfbauth <passwd> -noxstartup`, `pgrep -s 0 Xvnc`, the `/^Desktop/` display parse, `<websockify_cmd> <port>
 * --heartbeat=30 localhost:<5900+display>` and its "proxying from :<port>" wait, a websocket port from `find_port` in
 * [min_port, max_port]) and the same connection file (host, port, password, display, websocket, spassword). Left out:
 * the background loop that re-keys the password when the VNC log shows TurboVNC's "Full-control authentication
 * enabled" (it changes no connection detail the test uses), and port_used's nc/lsof strategies (python3 is enough).
 * The wording and the shell are this project's; Ruby is not on the rehearsal host, so the template is not run itself.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

export interface VncTemplateContext {
  work_dir: string;
  conn_file?: string;
  min_port?: number;
  max_port?: number;
  password_size?: number;
  set_host?: string;
  script_wrapper?: string;
  header?: string;
  websockify_cmd?: string;
  vnc_log?: string;
  vnc_passwd?: string;
  before_file?: string;
  script_file?: string;
  after_file?: string;
  clean_file?: string;
}

/** The batch script, as the Slurm adapter sends it: `#!<shell_path>` and the rendered template. */
export function renderVncJobScript(ctx: VncTemplateContext, shellPath = '/bin/bash'): string {
  const minPort = ctx.min_port ?? 2000;
  const maxPort = ctx.max_port ?? 65535;
  const size = ctx.password_size ?? 8;
  const log = ctx.vnc_log ?? 'vnc.log';
  const passwd = ctx.vnc_passwd ?? 'vnc.passwd';
  const connFile = ctx.conn_file ?? 'connection.yml';
  const websockify = ctx.websockify_cmd ?? '${WEBSOCKIFY_CMD:-/opt/websockify/run}';
  const vncClean = `vncserver -list | awk '/^:/{system("kill -0 "$2" 2>/dev/null || vncserver -kill "$1)}'`;
  const source = (file: string | undefined, fallback: string) => `[[ -e "${file ?? fallback}" ]] && source "${file ?? fallback}"`;
  const body = `cd ${ctx.work_dir}
export host
export port

write_connection () {
  echo "Generating connection YAML file..."
  ( umask 077
    printf 'host: %s\\nport: %s\\npassword: %s\\ndisplay: %s\\nwebsocket: %s\\nspassword: %s\\n' \\
      "$host" "$port" "$password" "$display" "$websocket" "$spassword" > "${connFile}" )
}

clean_up () {
  echo "Cleaning up..."
  ${source(ctx.clean_file, 'clean.sh')}
  ${vncClean}
  [[ -n \${display} ]] && vncserver -kill :\${display}
  [[ \${SCRIPT_PID} ]] && pkill -P \${SCRIPT_PID} || :
  pkill -P $$
  exit \${1:-0}
}

random_number () { shuf -i "$1-$2" -n 1; }
port_used () {
  local port="\${1#*:}" host=localhost
  [[ "$1" == *:* ]] && host="\${1%:*}"
  python3 -c "import socket; socket.socket().connect(('$host', $port))" >/dev/null 2>&1
}
find_port () {
  local host="\${1:-localhost}" min="\${2:-${minPort}}" max="\${3:-${maxPort}}" port attempt
  for attempt in 1 2; do
    for port in $(shuf -i "$min-$max"); do
      port_used "$host:$port" && continue
      echo "$port"
      return 0
    done
  done
  echo "error: failed to find available port in range $min..$max" >&2
  return 1
}
create_passwd () ( set +o pipefail; tr -cd 'a-zA-Z0-9' </dev/urandom 2>/dev/null | head -c"\${1:-${size}}" )

${ctx.set_host ?? 'host=$(hostname)'}

change_passwd () {
  echo "Setting VNC password..."
  password=$(create_passwd "${size}")
  spassword=\${spassword:-$(create_passwd "${size}")}
  ( umask 077; echo -ne "\${password}\\n\${spassword}" | vncpasswd -f > "${passwd}" )
}
change_passwd

echo "Starting VNC server..."
for i in $(seq 1 10); do
  ${vncClean}
  if timeout 2 vncserver --help 2>&1 | grep 'nohttpd' >/dev/null 2>&1; then HTTPD_OPT='-nohttpd'; fi
  VNC_OUT=$(vncserver -log "${log}" -rfbauth "${passwd}" $HTTPD_OPT -noxstartup  2>&1)
  VNC_PID=$(pgrep -s 0 Xvnc)
  echo "\${VNC_OUT}"
  kill -0 \${VNC_PID} 2>/dev/null && [[ "\${VNC_OUT}" =~ "Fatal server error" ]] && kill -TERM \${VNC_PID}
  kill -0 \${VNC_PID} 2>/dev/null || sleep 0.$(random_number 1 9)s
  kill -0 \${VNC_PID} 2>/dev/null && break
done
kill -0 \${VNC_PID} 2>/dev/null || clean_up 1
display=$(echo "\${VNC_OUT}" | awk -F':' '/^Desktop/{print $NF}')
port=$((5900+display))
echo "Successfully started VNC server on \${host}:\${port}..."
${source(ctx.before_file, 'before.sh')}

echo "Script starting..."
DISPLAY=:\${display} "${ctx.script_file ?? './script.sh'}" &
SCRIPT_PID=$!

${source(ctx.after_file, 'after.sh')}
start_websockify () {
  local log_file="./websockify.log" ws_pid counter=0
  ${websockify} $1 --heartbeat=\${WEBSOCKIFY_HEARTBEAT_SECONDS:-30} $2 &> $log_file &
  ws_pid=$!
  until grep -q -i "proxying from :$1" $log_file; do
    ps $ws_pid >/dev/null || { echo "[websockify]: failed to launch!" >&2; return 1; }
    ((counter >= \${WEBSOCKIFY_TIMEOUT_SECONDS:-10})) && { echo "[websockify]: timed out" >&2; return 1; }
    sleep 1
    ((counter = counter + 1))
  done
  echo $ws_pid
}
echo "Starting websocket server..."
websocket=$(find_port)
[ $? -eq 0 ] || clean_up 1
ws_pid=$(start_websockify \${websocket} localhost:\${port})
[ $? -eq 0 ] || clean_up 1

write_connection
wait \${SCRIPT_PID} || clean_up 1
clean_up
`;
  const wrapped = (ctx.script_wrapper ?? '%s').replace('%s', () => body);
  return `#!${shellPath}\n${ctx.header ?? ''}\n${wrapped}\n`;
}

/**
 * The portal's `/rnode/<host>/<port>/...` proxy as ood_portal_generator writes it: an Apache LocationMatch
 * `^<rnode_uri>/(?<host><host_regex>)/(?<port>\d+)(?<uri>/.*|)` that proxies (websockets included) to host:port, and
 * 404 for any other path. `resolve` stands in for the VPC's DNS (ParallelCluster's Route 53 private zone).
 */
export async function startNodeProxy(opts: { rnodeUri: string; hostRegex: string; resolve: (host: string) => string | undefined }): Promise<{ port: number; server: Server; close(): Promise<void> }> {
  const match = new RegExp(`^${opts.rnodeUri}/(?<host>${opts.hostRegex})/(?<port>\\d+)(?<uri>/.*|)$`);
  const route = (req: IncomingMessage) => {
    const m = match.exec(req.url ?? '');
    const address = m && opts.resolve(m.groups!['host']!);
    return m && address ? { address, port: Number(m.groups!['port']), uri: m.groups!['uri'] || '/' } : undefined;
  };
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    res.writeHead(route(req) ? 502 : 404).end();
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('upgrade', (req, client, head) => {
    const to = route(req);
    if (!to) {
      client.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const upstream = connect(to.port, to.address, () => {
      const headers = Object.entries(req.headers).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`);
      upstream.write(`${req.method} ${to.uri} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`);
      if (head.length) upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * A browser's noVNC opening `path` through the proxy: the websocket handshake (subprotocol `binary`, as noVNC asks),
 * then the first binary frame, which a VNC server fills with its RFB protocol version. Returns the HTTP status line
 * and, after a 101, that frame's payload.
 */
export function openWebsocket(proxyPort: number, path: string, timeoutMs = 10_000): Promise<{ status: string; payload?: Buffer }> {
  return new Promise((resolve, reject) => {
    const socket = connect(proxyPort, '127.0.0.1');
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer on ${path} within ${timeoutMs} ms`));
    }, timeoutMs);
    let data = Buffer.alloc(0);
    const done = (r: { status: string; payload?: Buffer }) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    socket.on('connect', () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${proxyPort}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${Buffer.from('hpc-ha-rehearsal').toString('base64')}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: binary\r\n\r\n`,
      );
    });
    socket.on('data', (chunk) => {
      data = Buffer.concat([data, chunk]);
      const end = data.indexOf('\r\n\r\n');
      if (end < 0) return;
      const status = data.subarray(0, data.indexOf('\r\n')).toString();
      if (!status.includes(' 101 ')) return done({ status });
      const frame = data.subarray(end + 4);
      if (frame.length < 2) return;
      const length = frame[1]! & 0x7f;
      if (length < 126 && frame.length >= 2 + length) done({ status, payload: frame.subarray(2, 2 + length) });
    });
    socket.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    socket.on('end', () => done({ status: data.subarray(0, Math.max(0, data.indexOf('\r\n'))).toString() }));
  });
}
