// The email templates: branding, the invitation's context, the configured subject, and escaping.
import { mkdtempSync, cpSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMailRenderer, DEFAULT_TEMPLATES_DIR, type MailRequest } from '../../src/mail/mail-renderer.ts';
import { humanUtc } from '../../src/mail/human-date.ts';
import { LINK, testConfig } from './fixtures.ts';

const invitation = (overrides: Partial<Extract<MailRequest, { template: 'invitation' }>> = {}): MailRequest => ({
  template: 'invitation',
  to: 'bob@example.org',
  inviter: 'Alice Admin',
  appName: null,
  expiresAt: new Date('2025-07-08T09:05:00Z'),
  note: 'See you on the inside!',
  link: LINK,
  ...overrides,
});

describe('mail renderer', () => {
  const renderer = createMailRenderer({ branding: testConfig() });

  test('an invitation carries the link, the branding, the inviter, the note and the expiry', () => {
    const mail = renderer.render(invitation());
    expect(mail.to).toBe('bob@example.org');
    expect(mail.subject).toBe("You're invited to Acme Guests");
    for (const body of [mail.html, mail.text]) {
      expect(body).toContain(LINK);
      expect(body).toContain('Alice Admin');
      expect(body).toContain('See you on the inside!');
      expect(body).toContain('Tuesday, 8 July 2025, 09:05 UTC');
      expect(body).toContain('Acme Guests');
      expect(body).toContain('help@example.com');
    }
    // The button is the link in the accent colour; the link is also there as text to copy.
    expect(mail.html).toMatch(/bgcolor="#e11d48"[\s\S]*<a href="http:\/\/localhost:3000\/invite\/[^"]+"[^>]*>Accept invitation<\/a>/);
    expect(mail.html).toContain(`>${LINK}</a>`);
    expect(mail.html).toContain('<img src="https://cdn.example.com/logo.png" alt="Acme Guests"');
    expect(mail.html).toContain('role="presentation"');
    expect(mail.html).not.toContain('{{');
    expect(mail.text).not.toMatch(/<[a-z]/i);
  });

  test('the app name is the client name when the invite names a client, else the product name', () => {
    expect(renderer.render(invitation({ appName: 'Photo Club' })).text).toContain('invited you to join Photo Club.');
    expect(renderer.render(invitation({ appName: null })).text).toContain('invited you to join Acme Guests.');
  });

  test('without a note, the personal message block is left out', () => {
    const mail = renderer.render(invitation({ note: null }));
    expect(mail.text).not.toContain('Their message');
    expect(mail.html).not.toContain('font-style:italic');
  });

  test('the subject is the configured Handlebars template, rendered with the invitation context', () => {
    const custom = createMailRenderer({ branding: testConfig({ INVITE_EMAIL_SUBJECT: '{{inviter}} invites you to {{app_name}} & friends' }) });
    expect(custom.render(invitation({ appName: 'Photo Club' })).subject).toBe('Alice Admin invites you to Photo Club & friends');
  });

  test('a newline typed into the inviter cannot break out of the Subject header', () => {
    const custom = createMailRenderer({ branding: testConfig({ INVITE_EMAIL_SUBJECT: '{{inviter}} invites you' }) });
    expect(custom.render(invitation({ inviter: 'Eve\r\nBcc: victim@example.com' })).subject).toBe('Eve Bcc: victim@example.com invites you');
  });

  test('user-typed text is escaped in HTML, never interpreted', () => {
    const note = '<script>alert("x")</script> & <a href="https://evil.example">click</a>';
    const mail = renderer.render(invitation({ note, inviter: '<b>Mallory</b>', appName: '<img src=x onerror=alert(1)>' }));
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toContain('<b>Mallory</b>');
    expect(mail.html).not.toContain('<img src=x');
    expect(mail.html).not.toContain('href="https://evil.example"');
    expect(mail.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;a href&#x3D;&quot;https://evil.example&quot;&gt;');
    expect(mail.html).toContain('&lt;b&gt;Mallory&lt;/b&gt;');
    // Plain text is not HTML: the note reads as typed.
    expect(mail.text).toContain(note);
  });

  test('a verification code email shows the code and its lifetime', () => {
    const mail = renderer.render({ template: 'verification-code', to: 'bob@example.org', code: '482913', expiresInMinutes: 15 });
    expect(mail.subject).toBe('Your Acme Guests verification code');
    expect(mail.subject).not.toContain('482913');
    expect(mail.html).toContain('>482913</td>');
    expect(mail.text).toContain('    482913\n');
    expect(mail.text).toContain('expires in 15 minutes');
  });

  test('without a logo the product name heads the email', () => {
    const plain = createMailRenderer({ branding: { ...testConfig(), logo_url: undefined } });
    const html = plain.render(invitation()).html;
    expect(html).not.toContain('<img');
    expect(html).toMatch(/<span style="[^"]*color:#e11d48;">Acme Guests<\/span>/);
  });

  test('templates are read once, at creation: later edits on disk change nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'guestlist-templates-'));
    cpSync(DEFAULT_TEMPLATES_DIR, dir, { recursive: true });
    const cached = createMailRenderer({ branding: testConfig(), templatesDir: dir });
    writeFileSync(join(dir, 'invitation.text.hbs'), 'changed');
    expect(cached.render(invitation()).text).toContain(LINK);
  });

  test('a broken subject template stops creation instead of a send', () => {
    expect(() => createMailRenderer({ branding: testConfig({ INVITE_EMAIL_SUBJECT: 'Hi {{#if}}' }) })).toThrow(/^invite_email_subject \(INVITE_EMAIL_SUBJECT\) is not a valid Handlebars template/);
  });

  test('dates read in UTC whatever the server zone', () => {
    expect(humanUtc(new Date('2025-12-31T23:59:00-05:00'))).toBe('Thursday, 1 January 2026, 04:59 UTC');
  });
});
