// Phone numbers: accept what people type in international form, keep the E.164 form (+14155550123).
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { badRequest } from '../errors.ts';
import { t } from '../i18n/format-message.ts';

/** The E.164 form of `input`, or a 400 invalid_request naming the field. */
export function toE164(input: string, field = 'phone_number'): string {
  const trimmed = input.trim();
  // No default country: without a leading + the number is ambiguous, and E.164 is the contract.
  const parsed = trimmed.startsWith('+') && trimmed.length <= 32 ? parsePhoneNumberFromString(trimmed) : undefined;
  if (!parsed || !parsed.isValid()) {
    throw badRequest([{ path: field, message: t('phone_number_invalid') }], `The request is not valid: ${field} ${t('phone_number_invalid')}`);
  }
  return parsed.number;
}
