export { failingMailboxes, failurePercent, hourlyRow, shouldNotify, windowFigures, type FailingMailbox } from "./window.js";
export { certificateWarningDays, healthOf, type HealthInput } from "./health.js";
