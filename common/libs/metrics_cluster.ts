import cluster from 'node:cluster';
import client from 'prom-client';
import { metricsRegistry } from './metrics_registry.js';

const ASK = 'gatehouse:metrics-ask';
const ANSWER = 'gatehouse:metrics-answer';
/** prom-client's primary gives up on a worker after 5 s; this waits a little longer for its answer. */
const ASK_TIMEOUT_MS = 6000;

interface Message {
  type?: string;
  id?: number;
  text?: string;
  error?: string;
}

/**
 * In the primary of a RUN_WORKER > 1 launcher: a worker that was scraped asks here, and gets
 * the text of every worker's series merged by prom-client's `AggregatorRegistry` (which asks
 * each worker over the cluster IPC channel and merges by each series' aggregator).
 */
export function aggregateWorkerMetrics(): void {
  const aggregator = new client.AggregatorRegistry();
  cluster.on('message', (worker, message: Message) => {
    if (message?.type !== ASK) return;
    aggregator.clusterMetrics().then(
      (text) => worker.isConnected() && worker.send({ type: ANSWER, id: message.id, text }),
      (err: Error) => worker.isConnected() && worker.send({ type: ANSWER, id: message.id, error: err.message }),
    );
  });
}

const waiting = new Map<number, { resolve(text: string): void; reject(err: Error): void; timer: NodeJS.Timeout }>();
let nextId = 0;
let listening = false;

/**
 * In a cluster worker: answers the primary's requests for this worker's series (prom-client's
 * listener) and hears the answers to its own asks. Called once per process before serving.
 */
export function joinWorkerMetrics(): void {
  if (listening || !cluster.isWorker) return;
  listening = true;
  new client.AggregatorRegistry();
  process.on('message', (message: Message) => {
    if (message?.type !== ANSWER) return;
    const ask = waiting.get(message.id ?? -1);
    if (!ask) return;
    waiting.delete(message.id!);
    clearTimeout(ask.timer);
    if (message.error !== undefined) ask.reject(new Error(`metrics of the workers: ${message.error}`));
    else ask.resolve(message.text ?? '');
  });
}

/** The Prometheus text of this process, or in a cluster worker of every worker together (asked of the primary). */
export function metricsText(): Promise<string> {
  if (!cluster.isWorker || !process.send) return metricsRegistry.metrics();
  return new Promise((resolve, reject) => {
    const id = nextId++;
    const timer = setTimeout(() => {
      waiting.delete(id);
      reject(new Error(`metrics of the workers: the primary did not answer within ${ASK_TIMEOUT_MS} ms`));
    }, ASK_TIMEOUT_MS);
    waiting.set(id, { resolve, reject, timer });
    process.send!({ type: ASK, id });
  });
}
