import { z } from 'zod';
import type { Notifier } from '../notify/notifier.ts';
import type { RosterService } from '../services/roster.service.ts';
import type { StewardService } from '../services/steward.service.ts';
import type { UsersService } from '../services/users.service.ts';

/** The accounts work's services, handed to app.ts in one field. */
export interface AccountsDeps {
  readonly roster: RosterService;
  readonly steward: StewardService;
  /** Users and roles (admin screen). */
  readonly users: UsersService;
  readonly notifier: () => Notifier;
  readonly vapidPublicKey: () => string;
  readonly findWorkOrder: (id: string) => Promise<{ id: string; siteId: string; gridId: string | null; assigneeId: string | null } | undefined>;
}

export const numericIdParams = (what: string) => z.strictObject({ id: z.string().regex(/^\d{1,18}$/, what) });
