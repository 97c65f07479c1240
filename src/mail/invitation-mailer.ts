// Queues invitation emails (the InvitationMailer the invite service calls): never waits for SMTP.
import type { InvitationMailer, Actor } from '../invites/invite-service.ts';
import { inviteUrl } from '../invites/invite-link.ts';
import type { AccountStore, InviteRecord } from '../store/ports.ts';
import type { MailQueue } from './mail-queue.ts';

export interface InvitationMailerDeps {
  queue: MailQueue;
  issuer: string;
  productName: string;
  accounts: AccountStore;
  /** The display name of a relying party, for "join <app>". */
  clientName: (clientId: string) => string | null;
}

export function createInvitationMailer({ queue, issuer, productName, accounts, clientName }: InvitationMailerDeps): InvitationMailer {
  async function inviterLabel(actor: Actor): Promise<string> {
    if (actor.kind === 'admin') return `The ${productName} team`;
    return (await accounts.findById(actor.id))?.email ?? `A ${productName} member`;
  }
  const request = (invite: InviteRecord & { email: string }, token: string, inviter: string) => ({
    template: 'invitation' as const,
    to: invite.email,
    inviter,
    appName: invite.clientId ? clientName(invite.clientId) : null,
    expiresAt: invite.expiresAt,
    note: invite.note,
    link: inviteUrl(issuer, token),
  });
  const bound = (invite: InviteRecord): invite is InviteRecord & { email: string } => Boolean(invite.email);
  return {
    async sendInvitation(invite: InviteRecord, token: string, inviter: Actor) {
      if (!bound(invite)) return;
      await queue.enqueue(request(invite, token, await inviterLabel(inviter)), { inviteId: invite.id, actor: inviter.id });
    },
    async sendInvitations(items: Array<{ invite: InviteRecord; token: string }>, inviter: Actor) {
      const label = await inviterLabel(inviter);
      const mails = items.flatMap(({ invite, token }) => (bound(invite) ? [{ request: request(invite, token, label), meta: { inviteId: invite.id, actor: inviter.id } }] : []));
      await queue.enqueueMany(mails);
    },
  };
}
