// The waitlist's three emails: the confirmation's link and code, the invitation an approval grants
// (its own wording, the name the person typed escaped in HTML), and the denial; branded like the rest.
import { createMailRenderer } from '../../src/mail/mail-renderer.ts';
import { LINK, testConfig } from './fixtures.ts';

const renderer = createMailRenderer({ branding: testConfig() });
const CONFIRM = 'http://localhost:3000/waitlist/confirm/Zx9fQ2secretTOKENvalue0123456789abcdefGHIJ';

test('the confirmation carries its link (as a button and as text), the code and how long they work', () => {
  const mail = renderer.render({ template: 'waitlist-confirmation', to: 'ada@example.org', link: CONFIRM, code: '042917', expiresInHours: 48 });
  expect(mail.subject).toBe('Confirm your request to join Acme Guests');
  expect(mail.html).toMatch(/<a href="http:\/\/localhost:3000\/waitlist\/confirm\/[^"]+"[^>]*>Confirm my request<\/a>/);
  for (const body of [mail.html, mail.text]) {
    expect(body).toContain(CONFIRM);
    expect(body).toContain('042917');
    expect(body).toContain('48 hours');
    expect(body).toContain('help@example.com');
  }
});

test('the waitlist invitation has its own words, the app, the expiry, and the typed name escaped in HTML only', () => {
  const mail = renderer.render({ template: 'waitlist-invitation', to: 'ada@example.org', name: '<b>Ada</b> & co', appName: 'Notes', expiresAt: new Date('2025-07-08T09:05:00Z'), link: LINK });
  expect(mail.subject).toBe('Your invitation to Notes');
  expect(mail.html).toContain('Hello &lt;b&gt;Ada&lt;/b&gt; &amp; co, you asked to join Notes');
  expect(mail.html).not.toContain('<b>Ada</b>');
  expect(mail.text).toContain('Hello <b>Ada</b> & co, you asked to join Notes');
  for (const body of [mail.html, mail.text]) {
    expect(body).toContain(LINK);
    expect(body).toContain('Tuesday, 8 July 2025, 09:05 UTC');
  }
  const unnamed = renderer.render({ template: 'waitlist-invitation', to: 'ada@example.org', name: null, appName: null, expiresAt: new Date('2025-07-08T09:05:00Z'), link: LINK });
  expect(unnamed.subject).toBe('Your invitation to Acme Guests');
  expect(unnamed.text).toContain('You asked to join Acme Guests');
});

test('the denial says no politely and holds no link', () => {
  const mail = renderer.render({ template: 'waitlist-denied', to: 'ada@example.org', name: 'Ada' });
  expect(mail.subject).toBe('About your request to join Acme Guests');
  expect(mail.text).toContain('Hello Ada, thank you for your interest in Acme Guests.');
  expect(mail.text).not.toMatch(/https?:\/\//);
});
