import { loadSettings, SettingsError } from "../../lib/config/settings.js";

/** What loadSettings refuses in these settings, one `FIELD: message` a problem; none when it accepts them. */
export function settingsProblems(env: Record<string, string>): string[] {
  try {
    loadSettings(env);
  } catch (error) {
    if (error instanceof SettingsError) return error.problems.map((p) => `${p.field}: ${p.message}`);
    throw error;
  }
  return [];
}
