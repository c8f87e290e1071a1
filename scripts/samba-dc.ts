/**
 * Starts (or reuses) the Samba AD domain controller the system tests use and prints how to reach it.
 * `tsx scripts/samba-dc.ts` starts it; `tsx scripts/samba-dc.ts stop` stops it. Passwords stay in the
 * cache folder's state.json (mode 0600) and are not printed.
 */
import { startSambaDc } from '../test/support/samba.js';

const startedAt = Date.now();
const dc = await startSambaDc();
if (process.argv[2] === 'stop') {
  dc.stop();
  console.log('Samba AD DC stopped');
} else {
  console.log(
    JSON.stringify(
      {
        url: dc.url,
        tlsServerName: dc.tlsServerName,
        baseDn: dc.baseDn,
        bindDn: dc.bindDn,
        disabledOuDn: dc.disabledOuDn,
        readyInMs: Date.now() - startedAt,
      },
      null,
      2,
    ),
  );
}
