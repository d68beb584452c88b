export { type AdminIo, runAdmin } from './cli/admin-commands.ts';
export { PortInUseError, type RunningServer, type ServerDeps, startServer } from './server.ts';
export { hashPassword, verifyPassword } from './services/passwords.ts';
