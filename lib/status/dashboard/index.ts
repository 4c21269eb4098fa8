/** The dashboard pages: pure functions from a view model to an HTML string, and the headers to send with them. */
export { renderOverview } from "./overview-page.js";
export { renderMessagePage, renderProfilePage } from "./profile-page.js";
export { contentSecurityPolicy, dashboardHeaders } from "./style.js";
export { pageHref } from "./layout.js";
export type * from "./view-model.js";
