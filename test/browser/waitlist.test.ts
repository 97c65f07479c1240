// The waitlist in Chromium: from the sign-in page's offer to the request form, its refusals, the
// "check your email" page and its code, the emailed link's page with its button, and the admin
// console's queue (a count on the overview, the reason, approve one, deny in bulk) to the
// invitee's sign-up; every page checked with axe, CSP, 320 px and layout shift. The honeypot stays
// out of sight and out of reach.
import type { Browser } from 'playwright-core';
import { createInvite, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { expectGoodPage, launchBrowser, openContext } from '../support/browser.ts';
import { demoAuthorizeUrl, pkcePair, signUpFromLink } from '../support/browser-app.ts';
import type { MailMessage } from '../../src/mail/mail-transport.ts';

let gl: RunningGuestlist;
let browser: Browser;
const sent: MailMessage[] = [];

beforeAll(async () => {
  gl = await startGuestlist({
    env: { ENABLE_WAITLIST: 'true', WAITLIST_SHOW_POSITION: 'true', PRODUCT_NAME: 'Acme Beta' },
    extraDeps: {
      startWorkers: false,
      mailTransport: {
        async send(message) {
          sent.push(message);
          return { messageId: String(sent.length) };
        },
      },
    },
  });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await gl?.stop();
});

async function confirmationFor(email: string): Promise<{ link: string; code: string }> {
  await gl.guestlist.services.mail.drain();
  const text = sent.filter((message) => message.to === email).pop()!.text;
  return { link: /https?:\/\/\S+\/waitlist\/confirm\/[A-Za-z0-9_-]{43}/.exec(text)![0], code: /^ {4}(\d{6})$/m.exec(text)![1]! };
}

test('from the sign-in page to the queue by the emailed link: the form, its refusals, and the confirmation page', async () => {
  const tracked = await openContext(browser);
  const { page } = tracked;
  await page.goto(demoAuthorizeUrl(gl.url, pkcePair().challenge));
  await expect(page.locator('h1').textContent()).resolves.toBe('Sign in');
  await page.getByRole('link', { name: 'Request an invitation' }).click();
  await page.waitForURL(`${gl.url}/waitlist`);
  await expect(page.locator('h1').textContent()).resolves.toBe('Request an invitation');
  // The honeypot is neither seen nor reached by people or assistive technology.
  await expect(page.locator('#website').isVisible()).resolves.toBe(false);
  await expectGoodPage(tracked, 'waitlist-form');

  await page.getByLabel('Email').fill('not an address');
  await page.getByLabel('Why would you like to join? (optional)').fill('To test the thing.');
  await page.getByRole('button', { name: 'Request an invitation' }).click();
  await page.waitForLoadState('load');
  const email = page.getByLabel('Email');
  await expect(email.getAttribute('aria-invalid')).resolves.toBe('true');
  await expect(page.locator('#email-error').textContent()).resolves.toBe('Email must be a valid email address.');
  // What was typed stays.
  await expect(page.getByLabel('Why would you like to join? (optional)').inputValue()).resolves.toBe('To test the thing.');
  await expectGoodPage(tracked, 'waitlist-form-error');

  await email.fill('ada@example.com');
  await page.getByLabel('Name (optional)').fill('Ada');
  await page.getByRole('button', { name: 'Request an invitation' }).click();
  await page.waitForLoadState('load');
  await expect(page.locator('h1').textContent()).resolves.toBe('Check your email');
  await expect(page.locator('#waitlist-sent').textContent()).resolves.toContain('ada@example.com');
  await expectGoodPage(tracked, 'waitlist-check-email');

  // The emailed link, opened in another browser (the mail app's): a page with a button.
  const { link } = await confirmationFor('ada@example.com');
  const mailApp = await openContext(browser);
  await mailApp.page.goto(link);
  await expect(mailApp.page.locator('h1').textContent()).resolves.toBe('Confirm your request');
  await expectGoodPage(mailApp, 'waitlist-confirm-link');
  await mailApp.page.getByRole('button', { name: 'Confirm my request' }).click();
  await mailApp.page.waitForURL(`${gl.url}/waitlist/confirm`);
  await expect(mailApp.page.locator('h1').textContent()).resolves.toBe("You're on the list");
  await expect(mailApp.page.locator('#waitlist-position').textContent()).resolves.toBe('Requests ahead of yours: 0.');
  await expectGoodPage(mailApp, 'waitlist-confirmed');
  await mailApp.context.close();
  await tracked.context.close();
});

test('the code from the email confirms on the same page, and a wrong one is announced beside its field', async () => {
  const tracked = await openContext(browser);
  const { page } = tracked;
  await page.goto(`${gl.url}/waitlist`);
  await page.getByLabel('Email').fill('grace@example.com');
  await page.getByRole('button', { name: 'Request an invitation' }).click();
  await page.waitForLoadState('load');
  const { code } = await confirmationFor('grace@example.com');
  await page.getByLabel('Confirmation code').fill(code === '000000' ? '111111' : '000000');
  await page.getByRole('button', { name: 'Confirm my request' }).click();
  await page.waitForLoadState('load');
  const field = page.getByLabel('Confirmation code');
  await expect(field.getAttribute('aria-invalid')).resolves.toBe('true');
  await expect(page.locator('#code-error').textContent()).resolves.toBe('That code is not correct.');
  await expectGoodPage(tracked, 'waitlist-wrong-code');
  await field.fill(code);
  await page.getByRole('button', { name: 'Confirm my request' }).click();
  await page.waitForLoadState('load');
  await expect(page.locator('h1').textContent()).resolves.toBe("You're on the list");
  await expect(page.locator('#waitlist-position').textContent()).resolves.toBe('Requests ahead of yours: 1.');
  await tracked.context.close();
});

test('the whole request works with JavaScript turned off', async () => {
  const tracked = await openContext(browser, { javaScriptEnabled: false });
  const { page } = tracked;
  await page.goto(`${gl.url}/waitlist`);
  await page.getByLabel('Email').fill('nojs@example.com');
  await page.getByRole('button', { name: 'Request an invitation' }).click();
  await page.waitForLoadState('load');
  await page.goto((await confirmationFor('nojs@example.com')).link);
  await page.getByRole('button', { name: 'Confirm my request' }).click();
  await page.waitForURL(`${gl.url}/waitlist/confirm`);
  await expect(page.locator('h1').textContent()).resolves.toBe("You're on the list");
  await tracked.context.close();
});

test('a link that no longer works says so, and offers to ask again', async () => {
  const tracked = await openContext(browser);
  const { page } = tracked;
  await page.goto(`${gl.url}/waitlist/confirm/${'A'.repeat(43)}`);
  await page.getByRole('button', { name: 'Confirm my request' }).click();
  await page.waitForURL(`${gl.url}/waitlist/confirm`);
  await expect(page.locator('#error-message').textContent()).resolves.toBe('This confirmation has expired or was already used. Ask for an invitation again.');
  await expect(page.getByRole('link', { name: 'Request a new invitation' }).getAttribute('href')).resolves.toBe('/waitlist');
  await expectGoodPage(tracked, 'waitlist-link-gone');
  await tracked.context.close();
});

test('the console queue: counted on the overview, read with its reasons, one approved, the rest denied in bulk, and the invitee signs up', async () => {
  for (const [email, reason] of [['lin@example.com', 'I maintain a compiler.'], ['mo@example.com', 'Curious.'], ['ned@example.com', '']] as const) {
    await fetch(`${gl.url}/api/waitlist`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, reason }) });
    const { link } = await confirmationFor(email);
    const token = link.slice(link.lastIndexOf('/') + 1);
    await fetch(`${gl.url}/api/waitlist/confirm`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token }) });
  }
  const invite = await createInvite(gl, { email: 'boss@example.com', roles: ['admin'], send_email: false });
  const admin = await openContext(browser);
  const { page } = admin;
  await signUpFromLink(page, invite.url, 'the boss has a long password');
  await page.goto(`${gl.url}/console`);
  await page.waitForURL(`${gl.url}/console`);
  await page.waitForLoadState('load');
  // The three just confirmed, beside those the journeys above left in the queue.
  const waiting = (await gl.guestlist.services.waitlistReview.counts()).pending;
  expect(waiting).toBeGreaterThanOrEqual(3);
  await expect(page.locator('#waitlist-count-pending').textContent()).resolves.toBe(String(waiting));
  await expectGoodPage(admin, 'console-overview-waitlist');

  await page.getByRole('navigation').getByRole('link', { name: 'Waitlist' }).click();
  await page.waitForURL(`${gl.url}/console/waitlist`);
  await expect(page.locator('h1').textContent()).resolves.toBe('Waitlist');
  await expect(page.locator('#waitlist-list').textContent()).resolves.toContain('I maintain a compiler.');
  await expectGoodPage(admin, 'console-waitlist-queue');

  await page.getByLabel('Roles for the invitation').fill('beta');
  await page.getByRole('button', { name: 'Approve lin@example.com' }).click();
  await page.waitForURL(`${gl.url}/console/waitlist?done=approved`);
  await expect(page.locator('#console-notice').textContent()).resolves.toBe('Approved: the invitation is made.');
  await expect(page.locator('#waitlist-count-approved').textContent()).resolves.toBe('1');

  await page.getByLabel('Select mo@example.com').check();
  await page.getByLabel('Select ned@example.com').check();
  await page.getByLabel('Reason for denying (kept for admins)').fill('not this round');
  await page.getByRole('button', { name: 'Deny selected' }).click();
  await page.waitForLoadState('load');
  await expect(page.locator('h1').textContent()).resolves.toBe('Requests denied');
  await expect(page.locator('#waitlist-results tbody tr').count()).resolves.toBe(2);
  await expectGoodPage(admin, 'console-waitlist-results');
  await admin.context.close();

  // The approved request's email holds its invitation; it leads to a sign-up like any other.
  await gl.guestlist.services.mail.drain();
  const mail = sent.filter((message) => message.to === 'lin@example.com').pop()!;
  expect(mail.subject).toBe('Your invitation to Acme Beta');
  const invitee = await openContext(browser);
  await signUpFromLink(invitee.page, /https?:\/\/\S+\/invite\/[A-Za-z0-9_-]{43}/.exec(mail.text)![0], 'lin has a long password');
  await expect(invitee.page.locator('h1').textContent()).resolves.toBe('Your account is ready');
  await invitee.context.close();
});
