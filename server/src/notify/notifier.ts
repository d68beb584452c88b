import {
  type AnomalyDto,
  acknowledgeEscalation,
  advanceEscalation,
  closeEscalation,
  type DispatchSettings,
  decideDispatch,
  dispatchRuleOf,
  type EscalationEvent,
  escalationPolicyFor,
  gridOfAnomaly,
  INCIDENT_RULE,
  type Page,
  type PushDto,
  pushEscalationChain,
  routeAnomaly,
  ruleTitles,
  type SiteFile,
  type SiteIndex,
  startEscalation,
  type UserDto,
} from '@dutyroom/domain';
import type { Db, Logger, Queryable } from '@dutyroom/platform';
import { anomaliesRepository } from '../repositories/anomalies.repository.ts';
import { audit } from '../repositories/audit.repository.ts';
import { dispatchRepository } from '../repositories/dispatch.repository.ts';
import { type GridScope, requirePermission } from '../services/access.ts';
import { ServiceError } from '../services/errors.ts';
import type { RosterService } from '../services/roster.service.ts';
import type { ConsoleChannel } from './console.ts';
import { type NewDelivery, pushesRepository, type StoredPush, subscriptionsRepository } from './pushes.repository.ts';

export interface NotifierDeps {
  readonly db: Db;
  readonly site: SiteFile;
  readonly index: SiteIndex;
  readonly roster: RosterService;
  readonly scope: GridScope;
  readonly console: ConsoleChannel;
  readonly now: () => number;
  readonly log: Logger;
  /** Called after new deliveries are stored, so the dispatcher sends them without waiting for its timer. */
  readonly kick: () => void;
  /** The live site's per-rule dispatch settings: an anomaly pages when its work order is due (issue 14). */
  readonly dispatch: () => DispatchSettings;
}

/**
 * Pushes (SPEC §7): an anomaly opens one push episode when its dispatch is due (issue 14: held
 * rules page after their hold, members of an incident never, the incident once), routed to the grid's steward (or the
 * on-duty stand-in), the control room always and the site's group robots; P1/P2 escalate until
 * acknowledged. Persist, then publish: deliveries are rows first, sent by the dispatcher.
 */
export function createNotifier(deps: NotifierDeps) {
  const { db, site, index, now, log } = deps;
  const siteId = site.site.id;
  const notify = site.notify;

  async function withDeliveries(pushes: readonly StoredPush[]): Promise<PushDto[]> {
    const byPush = await pushesRepository.deliveries(
      db,
      pushes.map((p) => p.id),
    );
    return pushes.map(({ chain: _chain, escalation: _escalation, ...p }) => ({ ...p, deliveries: byPush.get(p.id) ?? [] }));
  }

  async function dto(id: string): Promise<PushDto | undefined> {
    const push = await pushesRepository.find(db, id);
    return push && (await withDeliveries([push]))[0];
  }

  /** Deliveries for one page: a console row per account and a Web Push row per subscription. */
  async function pageDeliveries(tx: Queryable, page: Page, level: string): Promise<{ rows: NewDelivery[]; userIds: string[] }> {
    const [users, subscriptions] = await Promise.all([
      subscriptionsRepository.usersOf(tx, siteId, page.personIds),
      subscriptionsRepository.forPeople(tx, siteId, page.personIds),
    ]);
    const rows: NewDelivery[] = [
      ...users.map((u) => ({ channel: 'console' as const, target: `user:${u.userId}`, personId: u.personId, level, status: 'delivered' as const })),
      ...subscriptions.map((s) => ({ channel: 'web-push' as const, target: `subscription:${s.id}`, personId: s.personId, level, status: 'pending' as const })),
    ];
    // A person with no account yet is still recorded as paged, so the record shows the gap.
    for (const personId of page.personIds) {
      if (!users.some((u) => u.personId === personId))
        rows.push({ channel: 'console', target: `person:${personId}`, personId, level, status: 'failed', error: 'no account linked to this person' });
    }
    return { rows, userIds: users.map((u) => u.userId) };
  }

  async function publish(pushId: string, userIds: readonly string[], toControlRoom: boolean): Promise<void> {
    const push = await dto(pushId);
    if (push === undefined) return;
    if (userIds.length > 0) await deps.console.toUsers(userIds, push);
    if (toControlRoom) await deps.console.toControlRoom(push);
    deps.kick();
  }

  return {
    /** An anomaly event (opened, updated or cleared). Idempotent: one push per anomaly. */
    async onAnomaly(anomaly: AnomalyDto): Promise<void> {
      if (anomaly.siteId !== siteId) return;
      const splitAt = anomaly.incidentId === null ? null : await dispatchRepository.splitAt(db, anomaly.id);
      const decision = decideDispatch({ ...anomaly, splitAt }, deps.dispatch(), now());
      // Cleared, or folded into an incident (whose push stands for it): stop the escalation.
      if (anomaly.status !== 'open' || (decision.kind === 'never' && decision.why === 'member')) {
        const existing = await pushesRepository.findByAnomaly(db, anomaly.id);
        if (existing?.escalation.status === 'waiting') {
          await pushesRepository.saveState(db, existing.id, closeEscalation(existing.escalation));
          await publish(existing.id, [], true);
        }
        return;
      }
      if (decision.kind !== 'now') return;
      const at = now();
      const roster = await deps.roster.current();
      const gridId = gridOfAnomaly(index, anomaly);
      const route = routeAnomaly(anomaly, gridId, roster, notify.webhooks, at);
      const chain = pushEscalationChain(roster, gridId, site.people, at);
      const { state, page } = startEscalation(chain, escalationPolicyFor(anomaly.severity, notify), at);
      const incident = anomaly.rule === INCIDENT_RULE;
      const memberRule = dispatchRuleOf(anomaly);
      const where = incident
        ? `${ruleTitles[memberRule]?.zh ?? memberRule} ×${String(anomaly.evidence['members'] ?? '?')}`
        : (anomaly.unitId ?? anomaly.deviceId ?? anomaly.subject);
      const gridName = site.grids.find((g) => g.id === gridId)?.name ?? '';
      const result = await db.transaction(async (tx) => {
        const pushId = await pushesRepository.insert(
          tx,
          {
            siteId,
            anomalyId: anomaly.id,
            gridId,
            severity: anomaly.severity,
            title: `${anomaly.title.zh} · ${where}`,
            body: [gridName, route.steward?.standIn ? '值班管家代管' : ''].filter((s) => s !== '').join(' · ') || site.site.name,
            drill: anomaly.drill,
            chain,
          },
          state,
          at,
        );
        if (pushId === undefined) return undefined;
        const first = await pageDeliveries(tx, page, page.levels[0] ?? 'steward');
        const rows: NewDelivery[] = [
          ...first.rows,
          { channel: 'console', target: 'control-room', personId: null, level: 'control-room', status: 'delivered' },
          ...route.webhooks.map((w) => ({ channel: w.platform, target: `webhook:${w.id}`, personId: null, level: 'group', status: 'pending' as const })),
        ];
        await pushesRepository.addDeliveries(tx, pushId, rows, at);
        await audit(tx, {
          actor: 'system',
          action: 'push.sent',
          subjectType: 'push',
          subjectId: pushId,
          detail: { anomalyId: anomaly.id, gridId, to: page.personIds },
        });
        return { pushId, userIds: first.userIds };
      });
      if (result === undefined) return;
      log.info({ pushId: result.pushId, anomalyId: anomaly.id, gridId, to: page.personIds }, 'push opened');
      await publish(result.pushId, result.userIds, true);
    },

    /**
     * A work order's SLA clock escalated (or warned) to a person (server/src/services/escalations.ts):
     * page that person on the console and their phone, recorded like every push. No acknowledgement
     * chain here: the SLA clock itself escalates further.
     */
    async onSlaEscalation(event: EscalationEvent): Promise<void> {
      if (event.siteId !== siteId) return;
      const at = now();
      const order = await db.query<{ grid_id: string | null; unit_id: string | null }>('select grid_id, unit_id from work_orders where id = $1', [
        event.workOrderId,
      ]);
      const stepZh = event.kind === 'warning' ? '即将超时' : '已超时升级';
      const result = await db.transaction(async (tx) => {
        const pushId = await pushesRepository.insertForOrder(
          tx,
          {
            siteId,
            workOrderId: event.workOrderId,
            dedupKey: `sla:${event.workOrderId}:${event.step}:${event.kind}:${event.count}:${event.level}:${event.personId}`,
            gridId: order.rows[0]?.grid_id ?? null,
            severity: event.severity,
            title: `${event.title.zh} · ${order.rows[0]?.unit_id ?? `#${event.workOrderId}`}`,
            body: `工单 #${event.workOrderId} ${stepZh}（${event.step}）`,
            drill: event.drill,
          },
          at,
        );
        if (pushId === undefined) return undefined;
        const { rows, userIds } = await pageDeliveries(
          tx,
          { levels: [], personIds: [event.personId] },
          event.kind === 'warning' ? 'sla-warning' : 'sla-escalation',
        );
        await pushesRepository.addDeliveries(tx, pushId, rows, at);
        await audit(tx, {
          actor: 'system',
          action: 'push.sla',
          subjectType: 'push',
          subjectId: pushId,
          detail: { workOrderId: event.workOrderId, to: event.personId },
        });
        return { pushId, userIds };
      });
      if (result !== undefined) await publish(result.pushId, result.userIds, true);
    },

    /**
     * Safety net: open anomalies of the last hour due for their push that have none (an event
     * handled while the notifier failed, a crash between the order and the push, a hold that
     * passed) get theirs now. Returns how many.
     */
    async sweep(): Promise<number> {
      const at = now();
      const rows = (await dispatchRepository.dueWithoutPush(db, siteId, deps.dispatch(), at, at - 3_600_000, 20)).map((id) => ({ id }));
      for (const { id } of rows) {
        const anomaly = await anomaliesRepository.find(db, id);
        if (anomaly !== undefined) await this.onAnomaly(anomaly);
      }
      return rows.length;
    },

    /** Advances every escalation whose acknowledgement time has passed; returns how many pages went out. */
    async escalate(): Promise<number> {
      const at = now();
      const pages = await db.transaction(async (tx) => {
        const due = await pushesRepository.dueEscalations(tx, at, 100);
        const out: { pushId: string; userIds: string[] }[] = [];
        for (const push of due) {
          const policy = escalationPolicyFor(push.severity, notify);
          if (policy === undefined) continue;
          const step = advanceEscalation(push.escalation, push.chain, policy, at);
          await pushesRepository.saveState(tx, push.id, step.state);
          for (const page of step.pages) {
            const level = page.levels.length === 1 ? (page.levels[0] ?? 'repeat') : 'repeat';
            const { rows, userIds } = await pageDeliveries(tx, page, level);
            await pushesRepository.addDeliveries(tx, push.id, rows, at);
            await audit(tx, { actor: 'system', action: 'push.escalated', subjectType: 'push', subjectId: push.id, detail: { level, to: page.personIds } });
            out.push({ pushId: push.id, userIds });
          }
        }
        return out;
      });
      for (const p of pages) await publish(p.pushId, p.userIds, true);
      return pages.length;
    },

    /** 确认 from the phone or the console: stops the escalation. Only someone paged, or who may see the push, may. */
    async acknowledge(user: UserDto | undefined, pushId: string): Promise<PushDto> {
      const push = await pushesRepository.find(db, pushId);
      if (push === undefined || push.siteId !== siteId) throw new ServiceError('NOT_FOUND', `no push ${pushId}`);
      const personId = user?.personId ?? null;
      const paged = personId !== null && (await pushesRepository.wasPaged(db, pushId, personId));
      const actor =
        paged && user !== undefined ? user : await deps.scope.requireVisible(user, 'push:self', { id: pushId, siteId: push.siteId, gridId: push.gridId });
      const at = now();
      const changed = await db.transaction(async (tx) => {
        const current = await pushesRepository.find(tx, pushId);
        if (current === undefined || current.acknowledgedAt !== null) return false;
        await pushesRepository.saveState(tx, pushId, acknowledgeEscalation(current.escalation), { at, by: actor.displayName });
        await audit(tx, { actor: actor.username, action: 'push.acknowledged', subjectType: 'push', subjectId: pushId });
        return true;
      });
      if (changed) {
        log.info({ pushId, by: actor.username }, 'push acknowledged');
        const users = await subscriptionsRepository.usersOf(
          db,
          siteId,
          push.chain.flatMap((c) => c.personIds),
        );
        await publish(pushId, [...new Set([...users.map((u) => u.userId), actor.id])], true);
      }
      const result = await dto(pushId);
      if (result === undefined) throw new ServiceError('NOT_FOUND', `no push ${pushId}`);
      return result;
    },

    /** The steward's phone: pushes they were paged for, newest first. Control-room roles get the site's. */
    async mine(user: UserDto | undefined): Promise<PushDto[]> {
      const u = requirePermission(user, 'push:self', siteId);
      return withDeliveries(u.personId === null ? [] : await pushesRepository.forPerson(db, siteId, u.personId, 50));
    },

    /** The site's recent pushes with every delivery result (control room, supervisors). */
    async recent(user: UserDto | undefined): Promise<PushDto[]> {
      await deps.scope.requireVisible(user, 'push:read', { id: 'recent', siteId, gridId: null });
      return withDeliveries(await pushesRepository.recent(db, siteId, 100));
    },

    /** Pushes of one work order, shown on the order (issue 6). Scoped like the order itself. */
    async forWorkOrder(
      user: UserDto | undefined,
      workOrder: { id: string; siteId: string; gridId: string | null; assigneeId: string | null },
    ): Promise<PushDto[]> {
      await deps.scope.requireVisible(user, 'workOrders:read', workOrder);
      return withDeliveries(await pushesRepository.forWorkOrder(db, workOrder.id));
    },

    dto,
  };
}

export type Notifier = ReturnType<typeof createNotifier>;
