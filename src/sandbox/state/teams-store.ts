/** The Teams app catalog, per-user installations, and mail sent through Graph. */
import type { StateEnvironment } from './environment.js';
import type { CatalogAppRecord, InstalledAppRecord, SentMailRecord } from './teams-types.js';
import type { TenantData } from './tenant-data.js';
import { isVisible } from './visibility.js';

export class TeamsStore {
  constructor(
    private readonly data: TenantData,
    private readonly env: StateEnvironment,
  ) {}

  addCatalogApp(app: CatalogAppRecord): void {
    this.data.catalogApps.set(app.id, app);
  }

  getCatalogApp(id: string): CatalogAppRecord | undefined {
    return this.data.catalogApps.get(id);
  }

  catalogApps(): CatalogAppRecord[] {
    return [...this.data.catalogApps.values()];
  }

  /** Installations of a user visible to reads now. */
  installedApps(userId: string): InstalledAppRecord[] {
    const now = this.env.now();
    return [...this.data.installedApps.values()].filter((a) => a.userId === userId && isVisible(a, now));
  }

  /** Every installation (write-side view), for assertions. */
  allInstalledApps(): InstalledAppRecord[] {
    return [...this.data.installedApps.values()];
  }

  /** Installs the app for the user; 'exists' when already installed (write-side). */
  install(
    userId: string,
    teamsAppId: string,
  ): { result: 'installed' | 'exists'; record: InstalledAppRecord } {
    const key = `${userId}|${teamsAppId}`;
    const existing = this.data.installedApps.get(key);
    if (existing) return { result: 'exists', record: existing };
    const id = this.env.newId();
    const record: InstalledAppRecord = {
      id: Buffer.from(`${userId}##${teamsAppId}`).toString('base64'),
      userId,
      teamsAppId,
      chatId: `19:${userId}_${id}@unq.gbl.spaces`,
      visibleFrom: this.env.now() + this.env.delayMs('teamsApp'),
      hiddenFrom: null,
    };
    this.data.installedApps.set(key, record);
    return { result: 'installed', record };
  }

  recordMail(mail: Omit<SentMailRecord, 'id'>): SentMailRecord {
    const record: SentMailRecord = { id: this.env.newId(), ...mail };
    this.data.sentMail.push(record);
    return record;
  }

  sentMail(): readonly SentMailRecord[] {
    return this.data.sentMail;
  }
}
