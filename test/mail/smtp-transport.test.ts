// SMTP delivery against a real in-process SMTP server, and how its refusals are classified.
import { createSmtpTransport } from '../../src/mail/smtp-transport.ts';
import { createMailRenderer } from '../../src/mail/mail-renderer.ts';
import { MailDeliveryError } from '../../src/mail/mail-transport.ts';
import { freePort, startSmtpServer, type TestSmtpServer } from './smtp-test-server.ts';
import { parseMail, partOf } from './mime.ts';
import { LINK, TOKEN, recordingLogger, testConfig } from './fixtures.ts';

const config = testConfig();
const renderer = createMailRenderer({ branding: config });
const invitation = (note: string | null = 'Welcome aboard') =>
  renderer.render({ template: 'invitation', to: 'bob@example.org', inviter: 'Alice Admin', appName: null, expiresAt: new Date('2025-07-08T09:05:00Z'), note, link: LINK });

describe('SMTP transport', () => {
  let server: TestSmtpServer | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  test('delivers an invitation with a text and an HTML part, the link and the branding', async () => {
    server = await startSmtpServer();
    const logger = recordingLogger();
    const transport = createSmtpTransport({ url: server.url, from: config.mail_from, logger });
    const receipt = await transport.send(invitation());
    await transport.close?.();

    expect(receipt.messageId).toMatch(/^<.+>$/);
    expect(server.received).toHaveLength(1);
    const [mail] = server.received;
    expect(mail!.to).toEqual(['bob@example.org']);
    expect(mail!.from).toBe('no-reply@localhost');
    const parsed = parseMail(mail!.raw);
    expect(parsed.headers.subject).toBe("You're invited to Acme Guests");
    expect(parsed.headers['content-type']).toMatch(/^multipart\/alternative/);
    const text = partOf(parsed, 'text/plain');
    const html = partOf(parsed, 'text/html');
    expect(text).toContain(LINK);
    expect(text).toContain('Welcome aboard');
    expect(html).toContain(`href="${LINK}"`);
    expect(html).toContain('#e11d48');
    expect(html).toContain('https://cdn.example.com/logo.png');
    expect(html).toContain('help@example.com');
    // The log says where, at the domain level, and never what.
    expect(logger.lines.join('\n')).toContain('example.org');
    expect(logger.lines.join('\n')).not.toContain(TOKEN);
    expect(logger.lines.join('\n')).not.toContain('bob@');
  });

  test('a note with <script> arrives escaped in the HTML part', async () => {
    server = await startSmtpServer();
    const transport = createSmtpTransport({ url: server.url, from: config.mail_from });
    await transport.send(invitation('<script>alert(1)</script>'));
    const html = partOf(parseMail(server.received[0]!.raw), 'text/html');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  test('a 5xx refusal is a permanent failure, with the reply as the reason', async () => {
    server = await startSmtpServer({ rejectRcpt: { code: 550, message: 'No such user here' } });
    const transport = createSmtpTransport({ url: server.url, from: config.mail_from });
    const error = await transport.send(invitation()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailDeliveryError);
    expect((error as MailDeliveryError).permanent).toBe(true);
    expect((error as MailDeliveryError).responseCode).toBe(550);
    expect((error as MailDeliveryError).message).toContain('No such user here');
    expect(server.received).toHaveLength(0);
  });

  test('a refusal that echoes the address keeps only its domain in the reason', async () => {
    server = await startSmtpServer({ rejectRcpt: { code: 550, message: '5.1.1 <bob@example.org>: Recipient address rejected' } });
    const transport = createSmtpTransport({ url: server.url, from: config.mail_from });
    const error = (await transport.send(invitation()).catch((e: unknown) => e)) as MailDeliveryError;
    expect(error.message).toContain('@example.org');
    expect(error.message).toContain('Recipient address rejected');
    expect(error.message).not.toContain('bob@');
  });

  test('a 4xx refusal is transient', async () => {
    server = await startSmtpServer({ rejectRcpt: { code: 451, message: 'Try again later' } });
    const transport = createSmtpTransport({ url: server.url, from: config.mail_from });
    const error = (await transport.send(invitation()).catch((e: unknown) => e)) as MailDeliveryError;
    expect(error).toBeInstanceOf(MailDeliveryError);
    expect(error.permanent).toBe(false);
    expect(error.responseCode).toBe(451);
  });

  test('a refused connection is transient', async () => {
    const transport = createSmtpTransport({ url: `smtp://127.0.0.1:${await freePort()}`, from: config.mail_from });
    const error = (await transport.send(invitation()).catch((e: unknown) => e)) as MailDeliveryError;
    expect(error).toBeInstanceOf(MailDeliveryError);
    expect(error.permanent).toBe(false);
    expect(error.responseCode).toBeNull();
    expect(error.message).toMatch(/ECONNREFUSED|ESOCKET|ECONNECTION/);
  });
});
