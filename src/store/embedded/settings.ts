// A small key-value table for values that must outlive the process (generated development secrets).
import type { DatabaseSync } from 'node:sqlite';
import type { KeyValueStore } from '../ports.ts';
import type { Row } from './database.ts';

export function createEmbeddedSettingsStore(db: DatabaseSync): KeyValueStore {
  const get = db.prepare('SELECT value FROM settings WHERE key = ?');
  const insert = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING');
  return {
    async get(key) {
      const row = get.get(key) as Row | undefined;
      return row ? String(row.value) : null;
    },
    async setIfAbsent(key, value) {
      insert.run(key, value);
      return String((get.get(key) as Row).value);
    },
  };
}
