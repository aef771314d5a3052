import type { MultLogger } from './mult_logger.js';

export type StopStep = [name: string, stop: () => Promise<void> | void];

/**
 * Runs the stop steps once, in the order given (the launcher lists them in reverse of
 * start), on SIGTERM or SIGINT, logging `stopping <name>` as each begins; a failing step is
 * logged and the rest still run.
 */
export function stopOnSignals(log: MultLogger, steps: StopStep[]): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      for (const [name, step] of steps) {
        log.info(`stopping ${name}`);
        try {
          await step();
        } catch (err) {
          log.failed(`stop step ${name} failed`, err as Error);
        }
      }
    })();
    return stopping;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    log.info(`${signal} received, stopping`);
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  return stop;
}
