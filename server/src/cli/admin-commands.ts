import { isRole } from '@dutyroom/domain';
import type { Db } from '@dutyroom/platform';
import { createAuthService } from '../services/auth.service.ts';
import { ServiceError } from '../services/errors.ts';
import { hashPassword, passwordProblem } from '../services/passwords.ts';

export const USAGE = `npm run admin -- <command> [options]

  create-admin  --username NAME [--display-name TEXT]
  create-user   --username NAME --role ROLE [--person PERSON_ID] [--display-name TEXT]
  set-password  --username NAME
  disable       --username NAME        (ends every session too)
  enable        --username NAME
  list-users
  import-site   <file.yaml|file.json> [--dry-run] [--comment TEXT]
                (the file becomes the site document's next revision; docs/configuration.md)

Passwords are read from standard input (asked twice, hidden, on a terminal; the first line
when piped), never from the command line, where they would stay in the shell history.
Roles: operator, customer-service, steward, maintenance, security, supervisor, manager, admin.
With the embedded database, stop the server first (PGlite allows one process at a time).`;

export interface AdminIo {
  readonly db: Db;
  readonly siteId: string;
  readonly readPassword: (prompt: string) => Promise<string>;
  readonly print: (line: string) => void;
  readonly now: () => number;
}

function options(argv: readonly string[]): Map<string, string> {
  const found = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--')) throw new ServiceError('VALIDATION', `unexpected "${arg}"\n\n${USAGE}`);
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) throw new ServiceError('VALIDATION', `${arg} needs a value`);
    found.set(arg.slice(2), value);
    i += 1;
  }
  return found;
}

const required = (opts: Map<string, string>, name: string): string => {
  const value = opts.get(name);
  if (value === undefined) throw new ServiceError('VALIDATION', `--${name} is required\n\n${USAGE}`);
  return value;
};

async function newPassword(io: AdminIo, username: string): Promise<string> {
  const password = await io.readPassword(`Password for ${username}: `);
  const problem = passwordProblem(password, username);
  if (problem !== undefined) throw new ServiceError('VALIDATION', `password: ${problem}`);
  return password;
}

/**
 * The documented way to create the first admin outside demo mode (no default password exists
 * there). Every change is audited with the actor `cli`.
 */
export async function runAdmin(argv: readonly string[], io: AdminIo): Promise<void> {
  const [command, ...rest] = argv;
  const auth = createAuthService(io.db, io.now);
  switch (command) {
    case 'create-admin':
    case 'create-user': {
      const opts = options(rest);
      const username = required(opts, 'username');
      const role = command === 'create-admin' ? 'admin' : required(opts, 'role');
      if (!isRole(role)) throw new ServiceError('VALIDATION', `--role: not a role\n\n${USAGE}`);
      if (!/^[\w.@-]{1,64}$/.test(username)) throw new ServiceError('VALIDATION', '--username: letters, digits, ".", "_", "-" or "@", at most 64');
      const password = await newPassword(io, username);
      const user = await auth.createUser(
        { username, displayName: opts.get('display-name') ?? username, role, siteId: io.siteId, personId: opts.get('person') ?? null, password },
        'cli',
      );
      io.print(`created ${user.role} "${user.username}" (id ${user.id}) for site ${user.siteId}`);
      return;
    }
    case 'set-password': {
      const username = required(options(rest), 'username');
      const password = await newPassword(io, username);
      const hash = await hashPassword(password);
      const changed = await io.db.transaction(async (tx) => {
        const { rows } = await tx.query<{ id: number }>('update users set password_hash = $2, password_changed_at = now() where username = $1 returning id', [
          username,
          hash,
        ]);
        const id = rows[0]?.id;
        if (id === undefined) return false;
        await tx.query('delete from sessions where user_id = $1', [id]);
        await tx.query(`insert into audit_log (actor, action, subject_type, subject_id) values ('cli', 'password-set', 'user', $1)`, [String(id)]);
        return true;
      });
      if (!changed) throw new ServiceError('NOT_FOUND', `no user "${username}"`);
      io.print(`password of "${username}" set; its sessions ended`);
      return;
    }
    case 'disable':
    case 'enable': {
      const username = required(options(rest), 'username');
      const disabled = command === 'disable';
      const changed = await io.db.transaction(async (tx) => {
        const { rows } = await tx.query<{ id: number }>('update users set disabled = $2 where username = $1 returning id', [username, disabled]);
        const id = rows[0]?.id;
        if (id === undefined) return false;
        if (disabled) await tx.query('delete from sessions where user_id = $1', [id]);
        await tx.query(`insert into audit_log (actor, action, subject_type, subject_id) values ('cli', $2, 'user', $1)`, [String(id), `user.${command}d`]);
        return true;
      });
      if (!changed) throw new ServiceError('NOT_FOUND', `no user "${username}"`);
      io.print(`"${username}" ${command}d`);
      return;
    }
    case 'list-users': {
      const { rows } = await io.db.query<{ username: string; role: string; site_id: string; person_id: string | null; disabled: boolean }>(
        'select username, role, site_id, person_id, disabled from users order by id',
      );
      for (const r of rows) io.print(`${r.username}\t${r.role}\t${r.site_id}\t${r.person_id ?? '-'}${r.disabled ? '\tdisabled' : ''}`);
      return;
    }
    default:
      throw new ServiceError('VALIDATION', USAGE);
  }
}
