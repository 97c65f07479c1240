// The password policy (NIST SP 800-63B): a length range and a blocklist, no composition rules.
// Applied wherever a password is chosen: sign-up, a reset, a change.
import { createRequire } from 'node:module';
import { PASSWORD_MAX } from './passwords.ts';
import { AppError } from '../errors.ts';
import { t } from '../i18n/format-message.ts';

/** Why a password is refused; each has its sentence in i18n/messages.ts (`password_<reason>`). */
export type WeakPasswordReason = 'too_short' | 'too_long' | 'common' | 'contains_email' | 'contains_product_name' | 'repetitive';

export interface PasswordContext {
  /** The account's email (or the one being signed up with): a password holding it is refused. */
  email?: string | null;
}

export interface PasswordPolicy {
  readonly minLength: number;
  readonly maxLength: number;
  /** Null when the password may be used; otherwise why not. Fast (set lookups), so it runs before argon2id. */
  weakness(password: string, context?: PasswordContext): WeakPasswordReason | null;
}

/**
 * The 49,233 most common passwords of breach corpora, as maintained in @zxcvbn-ts/language-common
 * (its `passwords-common` dictionary, lower-case). Only the list is used: zxcvbn's estimator took
 * 10–300 ms of event-loop time per check here (over a second for 256 characters), which a sign-up
 * or reset cannot spend on the thread that answers every request.
 */
function loadCommonPasswords(): ReadonlySet<string> {
  const require = createRequire(import.meta.url);
  const common = require('@zxcvbn-ts/language-common') as { dictionary: Record<string, string[]> };
  const list = common.dictionary['passwords-common'];
  if (!list?.length) throw new Error('@zxcvbn-ts/language-common: no passwords-common dictionary');
  return new Set(list);
}

let commonPasswords: ReadonlySet<string> | undefined;

// The usual character swaps ("p@ssw0rd"), undone before the list is consulted.
const UNLEET: Record<string, string> = { '@': 'a', '4': 'a', '3': 'e', '1': 'i', '!': 'i', '0': 'o', '$': 's', '5': 's', '7': 't', '+': 't' };
const unleet = (text: string) => text.replace(/[@43!10$57+]/g, (c) => UNLEET[c]!);

/**
 * What the blocklist is asked about: the password lower-cased, without spaces, with swaps undone,
 * and with the digits and symbols people pad a common password with ("monkey123!") taken off.
 */
function variants(password: string): string[] {
  const lower = password.toLowerCase();
  const joined = lower.replace(/\s+/g, '');
  const out = new Set([lower, joined, unleet(joined)]);
  for (const form of [joined, unleet(joined)]) {
    const core = form.replace(/^[^a-z]+|[^a-z]+$/g, '');
    if (core.length >= 4) out.add(core);
  }
  return [...out];
}

/** One character over and over, two in turn ("abababab"), or a straight run ("12345678", "hgfedcba"). */
function repetitive(password: string): boolean {
  if (new Set(password).size <= 2) return true;
  const codes = [...password].map((c) => c.codePointAt(0)!);
  const step = codes[1]! - codes[0]!;
  return Math.abs(step) === 1 && codes.every((code, i) => i === 0 || code - codes[i - 1]! === step);
}

const squash = (text: string) => text.toLowerCase().replace(/\s+/g, '');

export function createPasswordPolicy({ minLength, productName }: { minLength: number; productName: string }): PasswordPolicy {
  commonPasswords ??= loadCommonPasswords();
  const blocklist = commonPasswords;
  const product = squash(productName);
  return {
    minLength,
    maxLength: PASSWORD_MAX,
    weakness(password, context = {}) {
      // Counted in characters as people see them, not UTF-16 units.
      const length = [...password].length;
      if (length < minLength) return 'too_short';
      if (length > PASSWORD_MAX) return 'too_long';
      const squashed = squash(password);
      const email = context.email ? squash(context.email) : '';
      if (email && squashed.includes(email)) return 'contains_email';
      // The address's own name alone is as guessable as the address ("maya.lopez" for maya.lopez@...).
      const local = email.split('@')[0] ?? '';
      if (local.length >= 4 && (squashed === local || unleet(squashed) === local)) return 'contains_email';
      if (product.length >= 3 && (squashed.includes(product) || unleet(squashed).includes(product))) return 'contains_product_name';
      if (repetitive(password)) return 'repetitive';
      if (variants(password).some((form) => blocklist.has(form))) return 'common';
      return null;
    },
  };
}

/** The field's own words for a refusal ("must be at least 12 characters"), as the forms show them. */
export function weaknessMessage(reason: WeakPasswordReason, policy: PasswordPolicy, productName: string): string {
  return t(`password_${reason}`, { min: policy.minLength, max: policy.maxLength, product: productName });
}

/**
 * Throws when the password may not be used: `weak_password` (the reset and change APIs), or the
 * contract's `invalid_request` where a weak password always was one (POST /api/register). Either
 * way the reason is in `details` beside the field.
 */
export function assertStrongPassword(
  policy: PasswordPolicy,
  productName: string,
  password: string,
  context: PasswordContext,
  code: 'weak_password' | 'invalid_request' = 'weak_password',
): void {
  const reason = policy.weakness(password, context);
  if (!reason) return;
  const message = weaknessMessage(reason, policy, productName);
  throw new AppError(code, { message: `${t('weak_password')} The password ${message}.`, details: [{ path: 'password', reason, message }] });
}
