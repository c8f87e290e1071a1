/** Sign-in methods, owners and app objects of the simulated tenant (writes are visible at once). */
import type {
  AuthMethodRecord,
  CalendarEventRecord,
  CasSettingsRecord,
  MobileDeviceRecord,
  DirectoryAppRecord,
  EntraDeviceRecord,
  ManagedDeviceRecord,
  MobileDeviceWipeRequest,
  OwnedKind,
  MeetingCancellationRecord,
  OwnerRecord,
} from './checklist-types.js';
import type { TenantData } from './tenant-data.js';

const ownerKey = (objectId: string, ownerId: string): string => `${objectId}|${ownerId}`;

export class ChecklistStore {
  constructor(private readonly data: TenantData) {}

  // ---- sign-in methods ------------------------------------------------------------------------------------

  addAuthMethod(method: AuthMethodRecord): void {
    this.data.authMethods.set(`${method.userId}|${method.id}`, method);
  }

  authMethods(userId: string): AuthMethodRecord[] {
    return [...this.data.authMethods.values()].filter((m) => m.userId === userId);
  }

  removeAuthMethod(userId: string, id: string): 'removed' | 'absent' {
    return this.data.authMethods.delete(`${userId}|${id}`) ? 'removed' : 'absent';
  }

  // ---- owners and app objects -----------------------------------------------------------------------------

  addDirectoryApp(app: DirectoryAppRecord): void {
    this.data.directoryApps.set(app.id, app);
  }

  getDirectoryApp(id: string): DirectoryAppRecord | undefined {
    return this.data.directoryApps.get(id);
  }

  addOwner(objectKind: OwnedKind, objectId: string, ownerId: string): 'added' | 'exists' {
    const key = ownerKey(objectId, ownerId);
    if (this.data.owners.has(key)) return 'exists';
    this.data.owners.set(key, { objectKind, objectId, ownerId });
    return 'added';
  }

  removeOwner(objectId: string, ownerId: string): 'removed' | 'absent' {
    return this.data.owners.delete(ownerKey(objectId, ownerId)) ? 'removed' : 'absent';
  }

  ownerIds(objectId: string): string[] {
    return [...this.data.owners.values()].filter((o) => o.objectId === objectId).map((o) => o.ownerId);
  }

  ownedBy(ownerId: string): OwnerRecord[] {
    return [...this.data.owners.values()].filter((o) => o.ownerId === ownerId);
  }

  // ---- devices --------------------------------------------------------------------------------------------

  addManagedDevice(device: ManagedDeviceRecord): void {
    this.data.managedDevices.set(device.id, device);
  }

  getManagedDevice(id: string): ManagedDeviceRecord | undefined {
    return this.data.managedDevices.get(id);
  }

  managedDevicesOf(userId: string): ManagedDeviceRecord[] {
    return [...this.data.managedDevices.values()].filter((d) => d.userId === userId);
  }

  updateManagedDevice(id: string, patch: Partial<Omit<ManagedDeviceRecord, 'id'>>): void {
    const device = this.data.managedDevices.get(id);
    if (device) this.data.managedDevices.set(id, { ...device, ...patch });
  }

  addEntraDevice(device: EntraDeviceRecord): void {
    this.data.entraDevices.set(device.id, device);
  }

  getEntraDevice(id: string): EntraDeviceRecord | undefined {
    return this.data.entraDevices.get(id);
  }

  registeredDevicesOf(userId: string): EntraDeviceRecord[] {
    return [...this.data.entraDevices.values()].filter((d) => d.registeredUserIds.includes(userId));
  }

  updateEntraDevice(id: string, patch: Partial<Omit<EntraDeviceRecord, 'id'>>): void {
    const device = this.data.entraDevices.get(id);
    if (device) this.data.entraDevices.set(id, { ...device, ...patch });
  }

  // ---- Exchange mobile devices and client access ----------------------------------------------------------

  addMobileDevice(device: MobileDeviceRecord): void {
    this.data.mobileDevices.set(device.guid, device);
  }

  mobileDevicesOf(userId: string): MobileDeviceRecord[] {
    return [...this.data.mobileDevices.values()].filter((d) => d.userId === userId);
  }

  allMobileDevices(): MobileDeviceRecord[] {
    return [...this.data.mobileDevices.values()];
  }

  /** Records (or, with null, cancels) a remote wipe request on the partnership. */
  setMobileDeviceWipe(guid: string, wipe: MobileDeviceWipeRequest | null): void {
    const device = this.data.mobileDevices.get(guid);
    if (!device) return;
    const { wipe: _previous, ...rest } = device;
    this.data.mobileDevices.set(guid, wipe ? { ...rest, wipe } : rest);
  }

  removeMobileDevice(guid: string): 'removed' | 'absent' {
    return this.data.mobileDevices.delete(guid) ? 'removed' : 'absent';
  }

  casSettings(userId: string): CasSettingsRecord {
    return (
      this.data.casSettings.get(userId) ?? {
        userId,
        ActiveSyncEnabled: true,
        OWAEnabled: true,
        PopEnabled: true,
        ImapEnabled: true,
        MAPIEnabled: true,
      }
    );
  }

  setCasSettings(record: CasSettingsRecord): void {
    this.data.casSettings.set(record.userId, record);
  }

  // ---- meetings -------------------------------------------------------------------------------------------

  addCalendarEvent(event: CalendarEventRecord): void {
    this.data.calendarEvents.set(event.id, event);
  }

  /** Meetings the user organises or attends, cancelled ones included. */
  calendarEventsOf(userId: string): CalendarEventRecord[] {
    return [...this.data.calendarEvents.values()].filter(
      (e) => e.organizerId === userId || e.attendeeIds.includes(userId),
    );
  }

  /** Marks the meeting cancelled and records the cancellation its attendees receive; once only. */
  cancelMeeting(id: string, sentDateTime: string): 'cancelled' | 'absent' {
    const event = this.data.calendarEvents.get(id);
    if (!event || event.cancelledDateTime !== undefined) return 'absent';
    this.data.calendarEvents.set(id, { ...event, cancelledDateTime: sentDateTime });
    this.data.meetingCancellations.set(id, {
      eventId: id,
      organizerId: event.organizerId,
      attendeeIds: [...event.attendeeIds],
      subject: event.subject,
      sentDateTime,
    });
    return 'cancelled';
  }

  meetingCancellations(): MeetingCancellationRecord[] {
    return [...this.data.meetingCancellations.values()];
  }
}
