import { can, onDutySteward, type Roster, type SiteFile, type UserDto } from '@dutyroom/domain';
import type { Db } from '@dutyroom/platform';
import { audit } from '../repositories/audit.repository.ts';
import { rosterRepository, type ShiftRow } from '../repositories/roster.repository.ts';
import { requirePermission, requireUser } from './access.ts';
import { ServiceError } from './errors.ts';

export interface RosterView {
  readonly onDuty: string | null;
  readonly offDuty: readonly string[];
  readonly shifts: readonly ShiftRow[];
  readonly grids: readonly { readonly id: string; readonly name: string; readonly stewardId: string }[];
}

/**
 * The roster (值班): grids and their stewards from the site file, shifts and the on-duty toggle
 * from the database. Routing, escalation and grid scoping all read `current()`.
 */
export function createRosterService(deps: { db: Db; site: SiteFile; now: () => number; onChange?: (personId: string) => void }) {
  const { db, site, now } = deps;
  const siteId = site.site.id;
  const people = new Map(site.people.map((p) => [p.id, p]));

  async function current(): Promise<Roster> {
    const [shifts, offDuty] = await Promise.all([rosterRepository.shifts(db, siteId, now()), rosterRepository.offDuty(db, siteId)]);
    return { grids: site.grids.map((g) => ({ id: g.id, stewardId: g.steward })), shifts, defaultOnDuty: site.onDuty, offDuty: new Set(offDuty) };
  }

  return {
    current,

    async view(user: UserDto | undefined): Promise<RosterView> {
      requirePermission(user, 'workOrders:read', siteId);
      const [shifts, offDuty] = await Promise.all([rosterRepository.shifts(db, siteId, now()), rosterRepository.offDuty(db, siteId)]);
      const roster: Roster = {
        grids: site.grids.map((g) => ({ id: g.id, stewardId: g.steward })),
        shifts,
        defaultOnDuty: site.onDuty,
        offDuty: new Set(offDuty),
      };
      return {
        onDuty: onDutySteward(roster, now()) ?? null,
        offDuty,
        shifts,
        grids: site.grids.map((g) => ({ id: g.id, name: g.name, stewardId: g.steward })),
      };
    },

    /** The phone's on-duty toggle: a person switches themselves; a supervisor may switch anyone. */
    async setOnDuty(user: UserDto | undefined, personId: string | undefined, onDuty: boolean): Promise<void> {
      const u = requireUser(user);
      const target = personId ?? u.personId;
      if (target === null || target === undefined) throw new ServiceError('VALIDATION', 'personId: this account is not linked to a person');
      const self = target === u.personId;
      requirePermission(u, self && can(u.role, 'roster:self') ? 'roster:self' : 'roster:manage', siteId);
      if (!people.has(target)) throw new ServiceError('NOT_FOUND', `no person ${target}`);
      await db.transaction(async (tx) => {
        await rosterRepository.setOnDuty(tx, siteId, target, onDuty, now(), u.username);
        await audit(tx, { actor: u.username, action: onDuty ? 'duty.on' : 'duty.off', subjectType: 'person', subjectId: target });
      });
      deps.onChange?.(target);
    },

    /** Shifts overlapping [from, to) (at most 31 days), for the roster editor. */
    async shiftsBetween(user: UserDto | undefined, from: number, to: number): Promise<readonly ShiftRow[]> {
      requirePermission(user, 'roster:manage', siteId);
      if (to <= from) throw new ServiceError('VALIDATION', 'query.to: must be after from');
      if (to - from > 31 * 86_400_000) throw new ServiceError('VALIDATION', 'query.to: at most 31 days after from');
      return rosterRepository.shiftsBetween(db, siteId, from, to);
    },

    async addShift(user: UserDto | undefined, shift: { personId: string; startsAt: number; endsAt: number }): Promise<string> {
      const u = requirePermission(user, 'roster:manage', siteId);
      if (!people.has(shift.personId)) throw new ServiceError('NOT_FOUND', `no person ${shift.personId}`);
      if (shift.endsAt <= shift.startsAt) throw new ServiceError('VALIDATION', 'endsAt: must be after startsAt');
      const id = await db.transaction(async (tx) => {
        const created = await rosterRepository.addShift(tx, siteId, shift, u.username);
        await audit(tx, { actor: u.username, action: 'roster.shift-added', subjectType: 'shift', subjectId: created, detail: shift });
        return created;
      });
      deps.onChange?.(shift.personId);
      return id;
    },

    async removeShift(user: UserDto | undefined, id: string): Promise<void> {
      const u = requirePermission(user, 'roster:manage', siteId);
      const removed = await db.transaction(async (tx) => {
        const done = await rosterRepository.removeShift(tx, siteId, id);
        if (done) await audit(tx, { actor: u.username, action: 'roster.shift-removed', subjectType: 'shift', subjectId: id });
        return done;
      });
      if (!removed) throw new ServiceError('NOT_FOUND', `no shift ${id}`);
      deps.onChange?.('');
    },
  };
}

export type RosterService = ReturnType<typeof createRosterService>;
