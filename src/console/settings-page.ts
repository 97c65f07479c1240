// The settings screen: the effective configuration, read only, and the registered apps. A value
// is shown only for options known to be harmless; every other option — secrets, URLs that may
// carry credentials, and any option added later until it is listed here — shows only set or unset.
import type Router from '@koa/router';
import type { ClientMetadata } from 'oidc-provider';
import { OPTIONS, type Config } from '../config.ts';
import { t } from '../i18n/format-message.ts';
import type { ConsolePages } from './console-pages.ts';

/** Options whose values may be shown. Anything not here is a secret until someone says otherwise. */
export const SHOWN_OPTIONS = new Set<string>([
  'enable_invite_only',
  'invite_link_expiry',
  'max_invites_per_user',
  'invitation_whitelist_emails',
  'issuer',
  'port',
  'data_dir',
  'admin_client_id',
  'clients_file',
  'jwks_file',
  'mail_from',
  'product_name',
  'logo_url',
  'accent_color',
  'support_email',
  'invite_email_subject',
  'require_email_verification',
  'require_phone_verification',
  'audit_retention_days',
  'trust_proxy',
  'rate_limit_window_minutes',
  'rate_limit_invite_failures',
  'rate_limit_registrations',
  'rate_limit_invite_lookups',
  'rate_limit_login_failures',
  'rate_limit_code_failures',
  'log_level',
]);

export function settingsRows(config: Config) {
  return Object.entries(OPTIONS).map(([key, option]) => {
    const value = (config as Record<string, unknown>)[key];
    const set = value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0);
    const shown = SHOWN_OPTIONS.has(key);
    return {
      key,
      env: key.toUpperCase(),
      doc: option.doc,
      secret: !shown,
      value: shown ? (Array.isArray(value) ? value.join(', ') : value === undefined ? '' : String(value)) : t(set ? 'console_setting_set' : 'console_setting_unset'),
    };
  });
}

export function settingsPage(router: Router, { config, apps, pages }: { config: Config; apps: ClientMetadata[]; pages: ConsolePages }): void {
  router.get('/console/settings', (ctx) => {
    pages.render(ctx, 'settings', t('console_nav_settings'), {
      production: config.production,
      rows: settingsRows(config),
      apps: apps.map((app) => ({
        id: app.client_id,
        name: app.client_name ?? app.client_id,
        redirect_uris: (app.redirect_uris ?? []).join(' '),
        scope: app.scope ?? '',
        first_party: Boolean(app.first_party),
        initiate_login_uri: app.initiate_login_uri ?? null,
      })),
    });
  });
}
