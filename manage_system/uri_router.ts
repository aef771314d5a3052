import type { Route } from '../common/libs/router.js';
import { AccountListView, AccountView } from './interface/account.js';
import { LoginView, LogoutView, MeView, RefreshView } from './interface/auth.js';
import { GuidanceMessageListView } from './interface/guidance.js';
import { LoginRecordExportView, LoginRecordListView } from './interface/records_login.js';

/** Every route of manage_system: `[path, View, version?]`; no version means VER_CODE. */
export const ROUTES: readonly Route[] = [
  ['/auth/login', LoginView],
  ['/auth/logout', LogoutView],
  ['/auth/refresh', RefreshView],
  ['/auth/me', MeView],
  ['/accounts', AccountListView],
  ['/accounts/:id', AccountView],
  ['/records/login', LoginRecordListView],
  ['/records/login/export', LoginRecordExportView],
  ['/guidance/rooms/:room/messages', GuidanceMessageListView],
];
