// Writes one message to the outbox folder under a name made of a timestamp and a random id.
import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The name never derives from the message: links in the body carry invitation tokens, and file
 * names end up in logs and directory listings. The timestamp makes `ls` list them in order.
 */
export function outboxFileName(now: Date, extension: string): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('.', '-');
  return `${stamp}-${randomBytes(6).toString('hex')}.${extension}`;
}

/** Writes through a temporary name and renames, so a reader watching the folder never sees half a file. */
export async function writeOutboxFile(dir: string, extension: string, content: string | Buffer, now: Date): Promise<string> {
  await mkdir(dir, { recursive: true });
  const name = outboxFileName(now, extension);
  const path = join(dir, name);
  const temporary = join(dir, `.${name}.tmp`);
  // 0o600: the body holds a live invitation link or code; other local users have no business reading it.
  await writeFile(temporary, content, { mode: 0o600 });
  await rename(temporary, path);
  return path;
}
