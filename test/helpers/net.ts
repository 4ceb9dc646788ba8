// Ports a test names before anything listens on them, and whether anything listens on one.
import { readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';

/** The low end of the range the kernel picks ports from for `listen(0)` (Linux; 32768 elsewhere). */
function ephemeralLow(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32_768;
  } catch {
    return 32_768;
  }
}
const EPHEMERAL_LOW = ephemeralLow();

/**
 * A port free on 127.0.0.1 a moment ago, for a test that must name one before something listens on it
 * (or that nothing ever listens on). Picked at random below the kernel's ephemeral range: the kit's
 * servers (and every other test's) listen on port 0, which the kernel takes from that range, so they
 * cannot take this one in the meantime (a freed ephemeral port was taken so, and failed CI).
 */
export async function freePort(): Promise<number> {
  const low = Math.max(1_024, EPHEMERAL_LOW - 12_000);
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = low + Math.floor(Math.random() * (EPHEMERAL_LOW - low));
    if (await canListen(port)) return port;
  }
  throw new Error(`freePort: no free port found from ${low} to ${EPHEMERAL_LOW - 1}`);
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Whether something accepts TCP connections on host:port (127.0.0.1 by default). */
export function accepts(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}
