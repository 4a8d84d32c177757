import type { HubEventMap, HubEventName, PendingEmit } from './engine.js';

export type Listener<K extends HubEventName> = (payload: HubEventMap[K]) => void | Promise<void>;

/**
 * A small typed emitter. Listeners run after the transaction that caused the event committed; a
 * listener that throws does not undo the ingest, its error goes to `onListenerError`.
 */
export function createEmitter(onListenerError: (error: unknown, event: HubEventName) => void) {
  const listeners = new Map<HubEventName, Set<Listener<HubEventName>>>();
  return {
    on<K extends HubEventName>(event: K, listener: Listener<K>): () => void {
      let set = listeners.get(event);
      if (!set) {
        set = new Set();
        listeners.set(event, set);
      }
      set.add(listener as Listener<HubEventName>);
      return () => {
        const removed = set.delete(listener as Listener<HubEventName>);
        if (set.size === 0 && listeners.get(event) === set) listeners.delete(event);
        return removed;
      };
    },
    /** True while no listener is registered: the hub then skips emitting (no await per ingest). */
    isIdle(): boolean {
      return listeners.size === 0;
    },
    async emitAll(emits: readonly PendingEmit[]): Promise<void> {
      for (const [event, payload] of emits) {
        const set = listeners.get(event);
        if (!set) continue;
        for (const listener of set) {
          try {
            await listener(payload);
          } catch (error) {
            onListenerError(error, event);
          }
        }
      }
    },
  };
}
