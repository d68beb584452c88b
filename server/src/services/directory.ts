import type { Department, EscalationPeople, SiteFile } from '@dutyroom/domain';

/** The people of a site file and the departments they work in, for dispatch and escalation. */
export interface Person {
  readonly id: string;
  readonly name: string;
  readonly role: SiteFile['people'][number]['role'];
  readonly department: Department | null;
}

const departmentOfRole: Partial<Record<Person['role'], Department>> = {
  steward: 'customer-service',
  'customer-service': 'customer-service',
  operator: 'customer-service',
  maintenance: 'maintenance',
  security: 'security',
  cleaning: 'cleaning-greening',
};

export function createDirectory(file: SiteFile) {
  const people: Person[] = file.people.map((p) => ({ id: p.id, name: p.name, role: p.role, department: p.department ?? departmentOfRole[p.role] ?? null }));
  const byId = new Map(people.map((p) => [p.id, p]));
  const stewards = new Map(file.grids.map((g) => [g.id, g.steward]));
  return {
    people,
    person: (id: string) => byId.get(id),
    nameOf: (id: string) => byId.get(id)?.name ?? id,
    /** Who takes an order of this department in this grid: the grid's steward for customer service, else the department's first person. */
    assigneeFor(department: Department, gridId: string | null): string | null {
      const steward = gridId === null ? undefined : stewards.get(gridId);
      if (department === 'customer-service' && steward !== undefined) return steward;
      return people.find((p) => p.department === department && p.role !== 'supervisor' && p.role !== 'manager')?.id ?? steward ?? null;
    },
    /** The escalation chain's people for an order (supervisors of its department first). */
    escalationPeople(assigneeId: string | null, department: Department | null): EscalationPeople {
      const ofRole = (role: Person['role']) =>
        people
          .filter((p) => p.role === role)
          .sort((a, b) => Number(b.department === department) - Number(a.department === department))
          .map((p) => p.id);
      return { assigneeId, onDutyId: file.onDuty ?? null, supervisorIds: ofRole('supervisor'), managerIds: ofRole('manager') };
    },
  };
}

export type Directory = ReturnType<typeof createDirectory>;
