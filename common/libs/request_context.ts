import { AsyncLocalStorage } from 'node:async_hooks';

/** What every log line of a request knows about it. */
export interface RequestStore {
  requestId: string;
}

export const requestContext = new AsyncLocalStorage<RequestStore>();

export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.requestId;
}
