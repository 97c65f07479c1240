// Contract for KeyValueStore and the store's own lifecycle: first value wins, ping, idempotent close.
import type { ContractContext } from './fixtures.ts';

export function settingsContract({ store }: ContractContext): void {
  describe('settings', () => {
    test('setIfAbsent keeps the first value', async () => {
      expect(await store().settings.get('dev.cookie_key')).toBeNull();
      expect(await store().settings.setIfAbsent('dev.cookie_key', 'first')).toBe('first');
      expect(await store().settings.setIfAbsent('dev.cookie_key', 'second')).toBe('first');
      expect(await store().settings.get('dev.cookie_key')).toBe('first');
    });

    test('concurrent setIfAbsent calls all see the same winner', async () => {
      const values = await Promise.all(Array.from({ length: 10 }, (_, i) => store().settings.setIfAbsent('race', `v${i}`)));
      expect(new Set(values).size).toBe(1);
      expect(await store().settings.get('race')).toBe(values[0]);
    });
  });
}

export function lifecycleContract({ store }: ContractContext): void {
  describe('lifecycle', () => {
    test('ping resolves on an open store and rejects once it is closed; close is idempotent', async () => {
      expect(['embedded', 'mongo']).toContain(store().kind);
      await expect(store().ping()).resolves.toBeUndefined();
      await store().close();
      await expect(store().close()).resolves.toBeUndefined();
      await expect(store().ping()).rejects.toThrow();
    });
  });
}
