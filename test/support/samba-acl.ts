/**
 * Least-privilege delegation for the connector's service account (svc-lifecycle), set with
 * `samba-tool dsacl set` as object ACEs in SDDL. The GUIDs are the fixed schemaIDGUIDs / rightsGuids
 * every AD forest shares (msExchHideFromAddressLists: the one the seed gives the attribute).
 *
 * | Where | ACE | Why |
 * |---|---|---|
 * | Staff OU, Disabled OU (inherited by user objects) | CR Reset Password | `unicodePwd` admin reset |
 * | same | WP userAccountControl | disable / enable |
 * | same | WP description, info | stamping |
 * | same | WP msExchHideFromAddressLists | hide from address lists |
 * | Staff OU | DC (delete child) for user objects | the move takes the user out of the OU |
 * | Disabled OU | CC (create child) for user objects | the move puts the user into the OU |
 * | Disabled OU | DC for user objects; Staff OU: CC for user objects | undo of the move |
 * | Staff OU, Disabled OU (inherited by user objects) | WP name, cn | Samba checks them on every move |
 * | Groups OU (inherited by group objects) | WP member | add to / remove from groups |
 *
 * Nothing else: no Domain Admins, no rights on CN=Users (so the primary
 * group Domain Users can't be edited), no rights on other OUs, no Full Control.
 */
import { spawnSync } from 'node:child_process';
import { SEED } from './samba-seed.js';

const USER_CLASS = 'bf967aba-0de6-11d0-a285-00aa003049e2';
const GROUP_CLASS = 'bf967a9c-0de6-11d0-a285-00aa003049e2';
const RESET_PASSWORD = '00299570-246d-11d0-a768-00aa006e0529';
const USER_ACCOUNT_CONTROL = 'bf967a68-0de6-11d0-a285-00aa003049e2';
const DESCRIPTION = 'bf967950-0de6-11d0-a285-00aa003049e2';
const INFO = 'bf96793e-0de6-11d0-a285-00aa003049e2';
const MEMBER = 'bf9679c0-0de6-11d0-a285-00aa003049e2';
const NAME = 'bf967a0e-0de6-11d0-a285-00aa003049e2';
const CN = 'bf96793f-0de6-11d0-a285-00aa003049e2';

/** SDDL ACEs granted to `sid`, per object DN. */
export function serviceAccountAces(sid: string): { dn: string; aces: string[] }[] {
  const onUsers = [
    `(OA;CIIO;CR;${RESET_PASSWORD};${USER_CLASS};${sid})`,
    `(OA;CIIO;WP;${USER_ACCOUNT_CONTROL};${USER_CLASS};${sid})`,
    `(OA;CIIO;WP;${DESCRIPTION};${USER_CLASS};${sid})`,
    `(OA;CIIO;WP;${INFO};${USER_CLASS};${sid})`,
    `(OA;CIIO;WP;${SEED.hideFromAddressListsGuid};${USER_CLASS};${sid})`,
  ];
  const moveInAndOut = [
    `(OA;CI;DC;${USER_CLASS};;${sid})`,
    `(OA;CI;CC;${USER_CLASS};;${sid})`,
    // Samba checks WP on name (and the RDN attribute cn) for every modifyDN, even a pure move that
    // keeps the RDN; Windows AD asks for them only on renames. The connector never changes an RDN.
    `(OA;CIIO;WP;${NAME};${USER_CLASS};${sid})`,
    `(OA;CIIO;WP;${CN};${USER_CLASS};${sid})`,
  ];
  return [
    { dn: SEED.usersOuDn, aces: [...onUsers, ...moveInAndOut] },
    { dn: SEED.disabledOuDn, aces: [...onUsers, ...moveInAndOut] },
    { dn: SEED.groupsOuDn, aces: [`(OA;CIIO;WP;${MEMBER};${GROUP_CLASS};${sid})`] },
  ];
}

/** Applies the ACEs through the local sam.ldb (the DC may be running). */
export function delegateServiceAccountRights(smbConf: string, samLdb: string, sid: string): void {
  for (const { dn, aces } of serviceAccountAces(sid)) {
    const result = spawnSync(
      'samba-tool',
      ['dsacl', 'set', '-s', smbConf, '-H', `tdb://${samLdb}`, `--objectdn=${dn}`, `--sddl=${aces.join('')}`],
      { encoding: 'utf8', timeout: 60_000 },
    );
    if (result.status !== 0) {
      throw new Error(`samba-tool dsacl set on ${dn} failed: ${result.stderr.slice(-1000)}`);
    }
  }
}
