import type { Me } from '@jiedao/contracts';
import { api } from '../api/client';

/**
 * After registering as a worker or an employer the account holds a new role: ask who is signed in again
 * so the menu shows the new pages. A failure changes nothing (the next page load catches up).
 */
export function refreshMe(setMe: (me: Me) => void): void {
  api<Me>('/api/auth/me').then(setMe, () => undefined);
}
