import type { SiteConfigDto, SiteFile, SiteSetupDto } from '@dutyroom/domain';
import { api } from '../api/client.ts';
import { SiteEditError, siteConfigApi } from '../api/site-config.ts';

/**
 * The site document as the admin screens edit it: the current revision, and the outcome of the
 * last save (a message, and each field's problem by the path the server names). A 409 reloads the
 * document, so the admin sees what changed and edits again on the new revision.
 */
class SiteConfigStore {
  config = $state<SiteConfigDto | undefined>(undefined);
  /** Each detector's defaults and rule ids (from the setup route). */
  setup = $state<SiteSetupDto | undefined>(undefined);
  saving = $state(false);
  /** The last save's outcome: `ok` with the revision, or the error code and message. */
  status = $state<{ ok: true; revision: number } | { ok: false; code: string; message: string } | undefined>(undefined);
  fieldErrors = $state<Record<string, string>>({});

  get site(): SiteFile | undefined {
    return this.config?.document as SiteFile | undefined;
  }

  get revision(): number {
    return this.config?.revision ?? 0;
  }

  async load(): Promise<void> {
    const [config, setup] = await Promise.all([siteConfigApi.get(), api.siteSetup()]);
    this.config = config;
    this.setup = setup;
  }

  /** The error of a field, by the path the server names (`body.device.gateway`). */
  error(path: string): string | undefined {
    return this.fieldErrors[path];
  }

  async save(run: (revision: number) => Promise<SiteConfigDto>): Promise<boolean> {
    this.saving = true;
    this.fieldErrors = {};
    try {
      this.config = await run(this.revision);
      this.status = { ok: true, revision: this.revision };
      this.setup = await api.siteSetup();
      return true;
    } catch (error) {
      const e = error instanceof SiteEditError ? error : new SiteEditError('INTERNAL', (error as Error).message, []);
      this.fieldErrors = Object.fromEntries(e.issues.map((i) => [i.path, i.message]));
      this.status = { ok: false, code: e.code, message: e.message };
      if (e.code === 'CONFLICT') await this.load().catch(() => undefined);
      return false;
    } finally {
      this.saving = false;
    }
  }

  clearStatus(): void {
    this.status = undefined;
    this.fieldErrors = {};
  }
}

export const siteConfig = new SiteConfigStore();
