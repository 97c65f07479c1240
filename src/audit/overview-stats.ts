// The console overview's numbers: invitations by status, the last 30 days per day (created,
// opened, redeemed, expired, sign-ups), the redemption funnel and the security alerts. Each
// figure is one indexed aggregate, and the whole is cached for a minute, so a busy console never
// counts a table of 100,000 invitations on every page.
import type { AuditEvent, DayCount, InviteStatus, Store } from '../store/ports.ts';

const DAY_MS = 86_400_000;
export const OVERVIEW_DAYS = 30;
const CACHE_MS = 60_000;

export interface DailyActivity {
  day: string;
  created: number;
  opened: number;
  redeemed: number;
  expired: number;
  signups: number;
}

export interface Overview {
  at: Date;
  statuses: Record<InviteStatus, number>;
  days: DailyActivity[];
  funnel: { created: number; opened: number; redeemed: number };
  /** security.alert events of the last day, newest first. */
  alerts: AuditEvent[];
}

export function createOverviewStats({ store, clock }: { store: Store; clock: () => Date }) {
  let cached: Overview | null = null;

  async function compute(): Promise<Overview> {
    const now = clock();
    // Whole UTC days: today and the 29 before it.
    const today = Math.floor(now.getTime() / DAY_MS);
    const since = new Date((today - OVERVIEW_DAYS + 1) * DAY_MS);
    const until = new Date((today + 1) * DAY_MS);
    const span = { since, until };
    const opened = { ...span, type: 'invite.viewed', withoutReason: true, distinctInvites: true };
    const [statuses, created, views, redeemed, expired, signups, funnelOpened, alerts] = await Promise.all([
      store.invites.countByStatus(now),
      store.audit.countPerDay({ ...span, type: 'invite.created' }),
      store.audit.countPerDay(opened),
      store.audit.countPerDay({ ...span, type: 'invite.redeemed' }),
      // Only days already over count as expired: an invite running out later today is still pending.
      store.invites.expiredPerDay(since, now),
      store.audit.countPerDay({ ...span, type: 'registration.succeeded' }),
      // Opened counts each invitation once over the whole span, so it is not the sum of its days.
      store.audit.count(opened),
      store.audit.query({ type: 'security.alert', since: new Date(now.getTime() - DAY_MS) }, { limit: 20 }),
    ]);
    const byDay = (counts: DayCount[]) => new Map(counts.map((entry) => [entry.day, entry.count]));
    const series = { created: byDay(created), opened: byDay(views), redeemed: byDay(redeemed), expired: byDay(expired), signups: byDay(signups) };
    const days: DailyActivity[] = [];
    for (let n = today - OVERVIEW_DAYS + 1; n <= today; n++) {
      const day = new Date(n * DAY_MS).toISOString().slice(0, 10);
      days.push({
        day,
        created: series.created.get(day) ?? 0,
        opened: series.opened.get(day) ?? 0,
        redeemed: series.redeemed.get(day) ?? 0,
        expired: series.expired.get(day) ?? 0,
        signups: series.signups.get(day) ?? 0,
      });
    }
    const sum = (counts: DayCount[]) => counts.reduce((total, entry) => total + entry.count, 0);
    return { at: now, statuses, days, funnel: { created: sum(created), opened: funnelOpened, redeemed: sum(redeemed) }, alerts: alerts.items };
  }

  return {
    /** The figures, at most a minute old; `fresh` recounts now (after an action the viewer expects to see). */
    async overview({ fresh = false }: { fresh?: boolean } = {}): Promise<Overview> {
      const now = clock().getTime();
      if (!fresh && cached && now - cached.at.getTime() < CACHE_MS && now >= cached.at.getTime()) return cached;
      cached = await compute();
      return cached;
    },
    /** Forget the cached figures (an action changed them). */
    invalidate(): void {
      cached = null;
    },
  };
}

export type OverviewStats = ReturnType<typeof createOverviewStats>;
