/** Get-MailboxFolderStatistics -FolderScope Calendar: how a client learns the localized calendar folder name. */
import { createHash } from 'node:crypto';
import { readResult, type CmdletDefinition } from '../cmdlet.js';
import { resolveMailbox } from '../recipients.js';
import { ExoObjectBuilder } from '../response.js';

/** A stable, opaque folder id of the mailbox's default calendar. */
function calendarFolderId(exchangeGuid: string): string {
  return `LgAAAA${createHash('sha256').update(`calendar:${exchangeGuid}`).digest('base64').slice(0, 60)}AAAB`;
}

export const getMailboxFolderStatistics: CmdletDefinition = {
  name: 'Get-MailboxFolderStatistics',
  params: [
    { name: 'Identity', kind: 'string', isMandatory: true },
    // Only the calendar scope is modelled (other folders' localized names are not part of the state).
    { name: 'FolderScope', kind: 'string', isMandatory: true, values: ['Calendar'] },
    { name: 'ResultSize', kind: 'resultSize' },
  ],
  run({ tenant }, p) {
    const m = resolveMailbox(tenant, p.requiredString('Identity'));
    const folder = new ExoObjectBuilder()
      .value('Identity', `${m.alias}\\${m.calendarFolderName}`)
      .value('Name', m.calendarFolderName)
      .value('FolderPath', `/${m.calendarFolderName}`)
      .value('FolderType', 'Calendar')
      .value('FolderId', calendarFolderId(m.exchangeGuid))
      .value('ContainerClass', 'IPF.Appointment')
      .value('ItemsInFolder', 0)
      .value('FolderSize', '0 B (0 bytes)')
      .dateTime('CreationTime', m.whenCreated)
      .build();
    return readResult([folder], p.limit('ResultSize'));
  },
};
