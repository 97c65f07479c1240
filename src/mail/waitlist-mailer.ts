// Queues the waitlist's emails (confirmation, the invitation an approval grants, a denial): never waits for SMTP.
import type { Actor } from '../invites/invite-service.ts';
import { inviteUrl } from '../invites/invite-link.ts';
import type { InviteRecord, WaitlistEntry } from '../store/ports.ts';
import type { MailQueue } from './mail-queue.ts';

export interface WaitlistMailerDeps {
  queue: MailQueue;
  issuer: string;
  /** The display name of a relying party, for "your invitation to <app>". */
  clientName: (clientId: string) => string | null;
}

export interface WaitlistMailer {
  /** `link`: the confirmation page's address, with its token (the waitlist builds it). */
  sendConfirmation(to: string, secrets: { link: string; code: string }, expiresInHours: number): Promise<void>;
  sendInvitation(entry: WaitlistEntry, invite: InviteRecord, token: string, inviter: Actor): Promise<void>;
  /** Many at once (bulk approval): one store write for the lot. */
  sendInvitations(items: Array<{ entry: WaitlistEntry; invite: InviteRecord; token: string }>, inviter: Actor): Promise<void>;
  sendDenial(entry: WaitlistEntry): Promise<void>;
}

export function createWaitlistMailer({ queue, issuer, clientName }: WaitlistMailerDeps): WaitlistMailer {
  // The invite's id in the meta: its delivery is recorded as invite.sent, like any invitation's.
  const invitation = (entry: WaitlistEntry, invite: InviteRecord, token: string, inviter: Actor) => ({
    request: { template: 'waitlist-invitation' as const, to: entry.email, name: entry.name, appName: invite.clientId ? clientName(invite.clientId) : null, expiresAt: invite.expiresAt, link: inviteUrl(issuer, token) },
    meta: { inviteId: invite.id, actor: inviter.id },
  });
  return {
    async sendConfirmation(to, { link, code }, expiresInHours) {
      await queue.enqueue({ template: 'waitlist-confirmation', to, link, code, expiresInHours });
    },
    async sendInvitation(entry, invite, token, inviter) {
      const mail = invitation(entry, invite, token, inviter);
      await queue.enqueue(mail.request, mail.meta);
    },
    async sendInvitations(items, inviter) {
      await queue.enqueueMany(items.map(({ entry, invite, token }) => invitation(entry, invite, token, inviter)));
    },
    async sendDenial(entry) {
      await queue.enqueue({ template: 'waitlist-denied', to: entry.email, name: entry.name });
    },
  };
}
