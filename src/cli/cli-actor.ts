import os from 'node:os';
import { asStored, cutText, escapeControlCharacters } from '../core/text';

/**
 * `cli:<operating-system user>`: the actor every CLI write records. The user name comes from the environment, so it
 * is made storable as it is (valid Unicode, control characters escaped, at most 200 characters cut on a code
 * point): the audit trail hashes it and must find the same text in the store.
 */
export function cliActor(): string {
  let user: string;
  try {
    user = process.env.USER ?? os.userInfo().username;
  } catch {
    user = 'unknown';
  }
  return `cli:${cutText(escapeControlCharacters(asStored(user || 'unknown')), 200, '…')}`;
}
