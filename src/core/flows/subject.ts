/**
 * The person a request is about, and the people it names (a delegate), as the identity port found
 * them. Every flow stores its subject in this one shape.
 */
import type { Subject } from '../model.js';
import type { IdentityUser } from '../ports/identity.js';

/** Who a person is, for requests, inputs and cards: id, UPN, display name and mail when there is one. */
export type Person = Pick<Subject, 'id' | 'userPrincipalName' | 'displayName' | 'mail'>;

export function personOf(person: Person): Person {
  return {
    id: person.id,
    userPrincipalName: person.userPrincipalName,
    displayName: person.displayName,
    ...(person.mail && { mail: person.mail }),
  };
}

export function subjectOf(user: IdentityUser): Subject {
  return {
    ...personOf(user),
    isSynced: user.isSynced,
    ...(user.onPremisesSamAccountName && { onPremisesSamAccountName: user.onPremisesSamAccountName }),
    ...(user.employeeId && { employeeId: user.employeeId }),
  };
}
