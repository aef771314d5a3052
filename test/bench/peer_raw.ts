import cluster from 'node:cluster';
import http from 'node:http';
import { envelope, peerEnv } from './peer_env.js';

/** The floor: node:http alone. GET answers /health's envelope; POST echoes the JSON body unchecked. */
export function startRawNode(): void {
  http
    .createServer((req, res) => {
      if (req.method === 'POST') {
        let text = '';
        req.setEncoding('utf8');
        req.on('data', (d: string) => (text += d));
        req.on('end', () => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(envelope(JSON.parse(text))));
        });
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(envelope(peerEnv.healthData)));
    })
    .listen(peerEnv.port, '127.0.0.1');
}

/**
 * The floor of the RUN_WORKER table: `startRawNode` in `workers` node:cluster workers (the
 * primary forks them and hands out connections, round-robin as gatehouse's primary does).
 * What two processes on one core cost beyond one, with no host in them.
 */
export function startRawCluster(workers: number): void {
  if (cluster.isPrimary) for (let i = 0; i < workers; i++) cluster.fork();
  else startRawNode();
}
