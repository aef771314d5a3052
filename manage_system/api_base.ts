import { Role } from '../common/model_db/account_role.js';
import { type SessionSpec, SessionView } from '../common/partner/session_view.js';

export { isSecured } from '../common/partner/session_view.js';

/** A manage_system method: authenticated with at least `role` (viewer by default) unless `public`. */
export type ManageSpec = SessionSpec;

/** Base of every manage_system view: the shared bearer-token and role check (SessionView). */
export class ManageView extends SessionView {
  protected get isAdmin(): boolean {
    return this.session.role === Role.ADMIN.value;
  }
}
