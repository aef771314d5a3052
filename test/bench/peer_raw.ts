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
