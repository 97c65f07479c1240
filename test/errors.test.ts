// The one error model: a code gives the status; what is not exposed never shows its own words.
import { AppError, errorBody, statusOf, tooManyRequests } from '../src/errors.ts';
import { placeRefusal } from '../src/interaction/refusal-placement.ts';

test('a service states a code; the table gives its status and its message', () => {
  const refused = new AppError('email_taken');
  expect([refused.status, refused.expose, refused.message]).toEqual([409, true, 'An account with this email already exists. Sign in instead.']);
  expect(statusOf('invalid_invite')).toBe(403);
  expect(errorBody(refused)).toEqual({ status: 409, body: { error: 'email_taken', message: refused.message }, headers: {} });
});

test('an unexposed error goes out as server_error with the generic message, never its own text', () => {
  const internal = new AppError('server_error', { message: 'pool exhausted at db-3.internal' });
  expect(internal.expose).toBe(false);
  expect(errorBody(internal)).toEqual({ status: 500, body: { error: 'server_error', message: 'Something went wrong on our side.' }, headers: {} });
  expect(JSON.stringify(errorBody(new Error('secret stack detail')))).not.toContain('secret');
});

test('a 503 the caller should hear about (the SMS gateway) is exposed with its Retry-After', () => {
  const sms = new AppError('sms_unavailable', { headers: { 'Retry-After': '60' } });
  expect(errorBody(sms)).toEqual({ status: 503, body: { error: 'sms_unavailable', message: sms.message }, headers: { 'Retry-After': '60' } });
  expect(tooManyRequests(2.2, 'resend_too_soon')).toMatchObject({ status: 429, code: 'resend_too_soon', headers: { 'Retry-After': '3' } });
});

test('a refusal is placed beside its field: by its code, or by the field an invalid_request names', () => {
  expect(placeRefusal(new AppError('email_mismatch')).field).toBe('email');
  expect(placeRefusal(new AppError('invite_required')).field).toBe('invite_token');
  expect(placeRefusal(new AppError('invalid_request', { details: [{ path: 'phone_number', message: 'is not valid' }] })).field).toBe('phone_number');
  expect(placeRefusal(new AppError('email_taken'))).toEqual({ status: 409, field: null, message: new AppError('email_taken').message });
});
