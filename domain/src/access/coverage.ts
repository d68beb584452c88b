/**
 * Who answers for which grid right now (值班, SPEC §3/§7). Pure: the server loads the roster and
 * passes `now`. A grid is answered by its own steward while on duty; otherwise by the on-duty
 * steward (值班管家) of that moment, who "covers" it.
 */
export interface Roster {
  readonly grids: readonly { readonly id: string; readonly stewardId: string }[];
  /** Scheduled on-duty stewards; the latest-starting shift that contains `now` wins. */
  readonly shifts: readonly { readonly personId: string; readonly startsAt: number; readonly endsAt: number }[];
  /** The site file's `onDuty`, used when no shift contains `now`. */
  readonly defaultOnDuty: string | undefined;
  /** People who switched themselves off duty on the phone (on-duty toggle). Absent = on duty. */
  readonly offDuty: ReadonlySet<string>;
}

/** The on-duty steward now: a shift, else the site default; nobody when that person is off duty too. */
export function onDutySteward(roster: Roster, now: number): string | undefined {
  let best: Roster['shifts'][number] | undefined;
  for (const shift of roster.shifts) {
    if (shift.startsAt <= now && now < shift.endsAt && (best === undefined || shift.startsAt > best.startsAt)) best = shift;
  }
  const person = best?.personId ?? roster.defaultOnDuty;
  return person !== undefined && !roster.offDuty.has(person) ? person : undefined;
}

export interface GridResponsible {
  readonly personId: string;
  /** True when the on-duty steward stands in for an off-duty grid steward. */
  readonly standIn: boolean;
}

/** Who gets a grid's anomalies now; undefined when neither the steward nor a stand-in is on duty. */
export function responsibleFor(roster: Roster, gridId: string, now: number): GridResponsible | undefined {
  const steward = roster.grids.find((g) => g.id === gridId)?.stewardId;
  if (steward !== undefined && !roster.offDuty.has(steward)) return { personId: steward, standIn: false };
  const standIn = onDutySteward(roster, now);
  return standIn === undefined ? undefined : { personId: standIn, standIn: standIn !== steward };
}

/**
 * Grids a person answers for now: the grids they own (even while off duty, they may still read
 * them) plus every grid they stand in for as the on-duty steward.
 */
export function gridsCoveredBy(roster: Roster, personId: string, now: number): string[] {
  const owned = roster.grids.filter((g) => g.stewardId === personId).map((g) => g.id);
  if (onDutySteward(roster, now) !== personId) return owned;
  const covered = roster.grids.filter((g) => g.stewardId !== personId && roster.offDuty.has(g.stewardId)).map((g) => g.id);
  return [...owned, ...covered];
}
