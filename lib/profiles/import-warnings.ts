import type { Profile } from "../config/profile.js";

/** Something an import stored but that will stop the profile from working until the operator acts. */
export interface ImportWarning {
  field: string;
  message: string;
}

/**
 * The secret settings a profile names that this environment does not hold: the profile is stored (the setting may be
 * added later), but its probe cannot sign in until the setting exists. Never quotes a setting's value.
 */
export function missingSecretWarnings(auth: Profile["auth"], env: Record<string, string | undefined>): ImportWarning[] {
  const named: { field: string; setting: string }[] =
    auth.kind === "oauth"
      ? [
          ...(auth.clientSecretSetting ? [{ field: "auth.clientSecretSetting", setting: auth.clientSecretSetting }] : []),
          ...(auth.certificatePathSetting ? [{ field: "auth.certificatePathSetting", setting: auth.certificatePathSetting }] : []),
        ]
      : [{ field: "auth.passwordSetting", setting: auth.passwordSetting }];
  const warnings: ImportWarning[] = [];
  for (const { field, setting } of named) {
    const value = env[setting];
    if (value === undefined || value.trim() === "") {
      warnings.push({ field, message: `names the app setting ${setting}, which is not set here: the profile is stored, but its checks fail until the setting holds the secret` });
    } else if (/^@Microsoft\.KeyVault\(/i.test(value.trim())) {
      warnings.push({ field, message: `names the app setting ${setting}, whose Key Vault reference is not resolved: check the app's access to the vault` });
    }
  }
  return warnings;
}
