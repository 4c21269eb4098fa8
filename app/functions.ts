import type { Declaration } from "./declarations.js";
import { dashboard } from "../functions/dashboard.js";
import { dashboardProfile } from "../functions/dashboard-profile.js";
import { dataverseSync } from "../functions/dataverse-sync.js";
import { health } from "../functions/health.js";
import { mailboxesTestAndEnable } from "../functions/mailboxes-test-and-enable.js";
import { metrics } from "../functions/metrics.js";
import { notify } from "../functions/notify.js";
import { probe } from "../functions/probe.js";
import { profileDelete } from "../functions/profile-delete.js";
import { profileGet } from "../functions/profile-get.js";
import { profileList } from "../functions/profile-list.js";
import { profilePut } from "../functions/profile-put.js";
import { profileTestConnection } from "../functions/profile-test-connection.js";
import { retention } from "../functions/retention.js";
import { schedule } from "../functions/schedule.js";
import { statusList } from "../functions/status-list.js";
import { statusProfile } from "../functions/status-profile.js";

/** Every function of the app, in one list both hosts register (importing it loads no library behind them). */
export const functions: readonly Declaration[] = [
  dashboard,
  dashboardProfile,
  dataverseSync,
  health,
  mailboxesTestAndEnable,
  metrics,
  notify,
  probe,
  profileDelete,
  profileGet,
  profileList,
  profilePut,
  profileTestConnection,
  retention,
  schedule,
  statusList,
  statusProfile,
];
