// A reset, and "sign out everywhere else" on /account, reach the apps that registered a
// backchannel_logout_uri: each gets a logout token for the sessions that ended, and only those.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postJson, startGuestlist, type RunningGuestlist } from '../support/start-guestlist.ts';
import { startSmtpServer, type TestSmtpServer } from '../mail/smtp-test-server.ts';
import { authorize, signUpThrough, type TestApp } from '../support/app-sign-up.ts';
import { startLogoutReceiver, type LogoutReceiverServer } from '../support/logout-receiver.ts';
import { deliverRecoveryMail, recoveryCodesTo } from './support.ts';

const NEWS: TestApp = { client_id: 'news-app', client_secret: 'news-app-secret-long-enough-0123456789', redirect_uri: 'http://news-app.test/cb' };
let gl: RunningGuestlist;
let smtp: TestSmtpServer;
let news: LogoutReceiverServer;

beforeAll(async () => {
  smtp = await startSmtpServer();
  news = await startLogoutReceiver({ clientId: NEWS.client_id });
  const file = join(mkdtempSync(join(tmpdir(), 'guestlist-reset-slo-')), 'clients.json');
  writeFileSync(file, JSON.stringify([{ client_id: NEWS.client_id, client_secret: NEWS.client_secret, redirect_uris: [NEWS.redirect_uri], first_party: true, backchannel_logout_uri: news.url }]));
  gl = await startGuestlist({ env: { CLIENTS_FILE: file, SMTP_URL: smtp.url }, extraDeps: { startWorkers: false } });
  news.issuer = gl.url;
});
afterAll(async () => {
  await gl.stop();
  await news.close();
  await smtp.close();
});
beforeEach(() => {
  news.received.length = 0;
  news.refused.length = 0;
});

const signIn = (email: string) => authorize(gl, NEWS, { form: { path: '/login', fields: { email, password: 'a long enough password' } } });

test('a completed reset sends the app a logout token for each session signed in to it', async () => {
  const first = await signUpThrough(gl, NEWS, 'tess@example.com');
  const second = await signIn('tess@example.com');
  const asked = await postJson(`${gl.url}/api/recovery`, { email: 'tess@example.com' });
  await deliverRecoveryMail(gl);
  const verified = await postJson(`${gl.url}/api/recovery/verify`, { recovery_id: asked.body.recovery_id, code: recoveryCodesTo(smtp, 'tess@example.com')[0]! });
  expect((await postJson(`${gl.url}/api/recovery/complete`, { reset_token: verified.body.reset_token, password: 'tess new long password' })).status).toBe(204);
  expect(news.refused).toEqual([]);
  const sub = first.tokens.claims()!.sub;
  expect(news.received.map((token) => token.sid).sort()).toEqual([first.tokens.claims()!.sid, second.tokens.claims()!.sid].sort());
  expect(news.received.every((token) => token.sub === sub)).toBe(true);
});

test('"sign out everywhere else" tells the app about the other session only', async () => {
  const here = await signUpThrough(gl, NEWS, 'uma@example.com');
  const there = await signIn('uma@example.com');
  const page = await here.browser.get(`${gl.url}/account`);
  const done = await here.browser.submit(page, '/account/sessions/end-others', {});
  expect(done.status).toBe(200);
  expect(news.refused).toEqual([]);
  expect(news.received).toEqual([expect.objectContaining({ sub: here.tokens.claims()!.sub, sid: there.tokens.claims()!.sid })]);
});
