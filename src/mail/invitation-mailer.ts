// Queues invitation emails (the InvitationMailer the invite service calls): never waits for SMTP.
import type { InvitationMailer, Actor } from '../invites/invite-service.ts';
import { inviteUrl } from '../invites/invite-presenter.ts';
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
  return {
    async sendInvitation(invite: InviteRecord, token: string, inviter: Actor) {
      if (!invite.email) return;
      await queue.enqueue(
        {
          template: 'invitation',
          to: invite.email,
          inviter: await inviterLabel(inviter),
          appName: invite.clientId ? clientName(invite.clientId) : null,
          expiresAt: invite.expiresAt,
          note: invite.note,
          link: inviteUrl(issuer, token),
        },
        { inviteId: invite.id, actor: inviter.id },
      );
    },
  };
}
