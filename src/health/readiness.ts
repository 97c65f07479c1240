// Whether this node should take traffic: the store answers (and takes writes), and it is not draining.
import type { Store } from '../store/ports.ts';

export type Readiness = { ready: true; store: Store['kind'] } | { ready: false; reason: 'draining' | 'store_unreachable' };

export function createReadiness({ store, isDraining }: { store: Store; isDraining: () => boolean }) {
  return async function readiness(): Promise<Readiness> {
    if (isDraining()) return { ready: false, reason: 'draining' };
    try {
      await store.ping();
      return { ready: true, store: store.kind };
    } catch {
      return { ready: false, reason: 'store_unreachable' };
    }
  };
}
