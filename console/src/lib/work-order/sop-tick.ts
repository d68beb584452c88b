import { type ChecklistEntry, gateOfEntry } from '@dutyroom/domain';

/** What a checklist tick sends besides `done` (issue 23: each item's evidence). */
export interface TickExtras {
  note?: string;
  ownerReached?: boolean;
  photoId?: string;
}

/** The questions a tick asks the person, in their language. */
export interface TickPrompts {
  note: (item: ChecklistEntry) => string | null;
  ownerReached: (item: ChecklistEntry) => boolean;
}

/**
 * The evidence a person's tick must carry, asked for before it is sent: a note, the call's
 * outcome, or the order's latest photo. undefined: the person cancelled. The server checks the
 * same rule (sop-gates.ts), so a screen that forgets still cannot tick without it.
 */
export function tickExtras(rule: string | null, item: ChecklistEntry, photoIds: readonly string[], ask: TickPrompts): TickExtras | undefined {
  switch (gateOfEntry(rule, item).evidence) {
    case 'tick':
      return {};
    case 'call-logged':
      return { ownerReached: ask.ownerReached(item) };
    case 'photo': {
      const latest = photoIds.at(-1);
      return latest === undefined ? {} : { photoId: latest };
    }
    case 'note':
    case 'valve-confirmed': {
      const note = ask.note(item)?.trim();
      return note === undefined || note === '' ? undefined : { note };
    }
  }
}
