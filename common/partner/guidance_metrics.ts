import { PlainHistogram, registerPlainMetric } from '../libs/metrics_registry.js';

/** Messages stored by this process, and how long each batch took to store (retries included), read at scrape time. */
const stored = { messages: 0 };
const storeDuration = new PlainHistogram();

/** A batch of `messages` was stored in `seconds`. */
export function guidanceStored(messages: number, seconds: number): void {
  stored.messages += messages;
  storeDuration.observe(seconds);
}

registerPlainMetric({
  name: 'gatehouse_guidance_messages_stored_total',
  help: 'Guidance messages stored (each with its room sequence)',
  type: 'counter',
  aggregator: 'sum',
  samples: () => [{ labels: {}, value: stored.messages }],
});
registerPlainMetric({
  name: 'gatehouse_guidance_store_duration_seconds',
  help: 'Time to store one batch of guidance messages in one transaction, retries included',
  type: 'histogram',
  aggregator: 'sum',
  samples() {
    const out: Parameters<PlainHistogram['samples']>[2] = [];
    storeDuration.samples('gatehouse_guidance_store_duration_seconds', {}, out);
    return out;
  },
});
