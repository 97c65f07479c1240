// The outbox: each message becomes a readable .eml file whose name gives nothing away.
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { createOutboxTransport } from '../../src/mail/outbox-transport.ts';
import { createMailTransport } from '../../src/mail/create-mail-transport.ts';
import { createMailRenderer } from '../../src/mail/mail-renderer.ts';
import { parseMail, partOf } from './mime.ts';
import { LINK, TOKEN, recordingLogger, testClock, testConfig } from './fixtures.ts';

const config = testConfig();
const renderer = createMailRenderer({ branding: config });
const message = renderer.render({ template: 'invitation', to: 'bob@example.org', inviter: 'Alice Admin', expiresAt: new Date('2025-07-08T09:05:00Z'), note: 'Hello', link: LINK });

describe('outbox transport', () => {
  test('writes the message as an .eml file named by time and a random id, and logs only the file', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'guestlist-outbox-')), 'outbox');
    const logger = recordingLogger();
    const clock = testClock('2025-07-01T10:00:00.123Z');
    const transport = createOutboxTransport({ dir, from: config.mail_from, clock: clock.now, logger });
    const first = await transport.send(message);
    const second = await transport.send(message);

    const files = readdirSync(dir).sort();
    expect(files).toHaveLength(2);
    expect(files.every((file) => /^20250701T100000-123Z-[0-9a-f]{12}\.eml$/.test(file))).toBe(true);
    expect(first.location).not.toBe(second.location);
    expect(files).toContain(basename(first.location!));
    expect(statSync(first.location!).mode & 0o077).toBe(0);

    const raw = readFileSync(first.location!, 'utf8');
    const parsed = parseMail(raw);
    expect(parsed.headers.to).toBe('bob@example.org');
    expect(parsed.headers.from).toBe('Guestlist <no-reply@localhost>');
    expect(parsed.headers.subject).toBe("You're invited to Acme Guests");
    expect(partOf(parsed, 'text/plain')).toContain(LINK);
    expect(partOf(parsed, 'text/html')).toContain(`href="${LINK}"`);

    const logged = logger.lines.join('\n');
    expect(logged).toContain(basename(first.location!));
    expect(logged).not.toContain(TOKEN);
    expect(logged).not.toContain('bob@');
  });

  test('a link longer than a quoted-printable line stays whole in the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'guestlist-outbox-'));
    const longLink = `https://accounts.example.com/invite/${'k'.repeat(30)}.${TOKEN}`;
    expect(longLink.length).toBeGreaterThan(76);
    const transport = createOutboxTransport({ dir, from: config.mail_from });
    const long = renderer.render({ template: 'invitation', to: 'bob@example.org', inviter: 'Alice', expiresAt: new Date(), link: longLink });
    const raw = readFileSync((await transport.send(long)).location!, 'utf8');
    expect(raw).toContain(`\n${longLink}\n`);
    expect(raw).toContain(`href="${longLink}"`);
    expect(raw).not.toContain('=3D');
  });

  test('the factory writes to <data_dir>/outbox when no smtp_url is set', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'guestlist-data-'));
    const transport = createMailTransport(testConfig({ DATA_DIR: dataDir }));
    const receipt = await transport.send(message);
    expect(receipt.location!.startsWith(join(dataDir, 'outbox'))).toBe(true);
    expect(readdirSync(join(dataDir, 'outbox'))).toEqual([basename(receipt.location!)]);
  });
});
