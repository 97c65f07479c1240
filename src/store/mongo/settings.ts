// A small key-value collection for values that must outlive the process (generated development secrets).
import type { KeyValueStore } from '../ports.ts';
import type { Models, SettingDoc } from './models.ts';
import { isDuplicateKey } from './mongo-errors.ts';

export function createMongoSettingsStore({ Setting }: Models): KeyValueStore {
  return {
    async get(key) {
      const doc = await Setting.findById(String(key)).lean<SettingDoc>();
      return doc ? doc.value : null;
    },
    async setIfAbsent(key, value) {
      // $setOnInsert writes only when the upsert inserts: the first instance's secret wins for all.
      try {
        const doc = await Setting.findOneAndUpdate({ _id: String(key) }, { $setOnInsert: { value: String(value) } }, { upsert: true, returnDocument: 'after' }).lean<SettingDoc>();
        return doc!.value;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        // Lost the race to insert: the winner's value is there now.
        const doc = await Setting.findById(String(key)).lean<SettingDoc>();
        return doc!.value;
      }
    },
  };
}
