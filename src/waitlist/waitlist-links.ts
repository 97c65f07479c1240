// The waitlist's addresses, always built from the issuer: the form, the confirmation link, and the
// "invitation required" refusal that points to the form while the waitlist is on.
import type { Config } from '../config.ts';
import { t } from '../i18n/format-message.ts';

export const waitlistUrl = (issuer: string): string => `${issuer}/waitlist`;

export const confirmationUrl = (issuer: string, token: string): string => `${issuer}/waitlist/confirm/${token}`;

/** The refusal's sentence for callers of the API: where to ask, when there is somewhere to ask. */
export const inviteRequiredMessage = (config: Pick<Config, 'enable_waitlist' | 'issuer'>): string =>
  config.enable_waitlist ? t('invite_required_waitlist', { url: waitlistUrl(config.issuer) }) : t('invite_required');
