import type { SettingInfo } from "../../lib/config/settings.js";

/**
 * The rules that keep infra/ honest, as a pure function of the template's text: the app settings it sets (the keys
 * of `candidates` in infra/modules/app-settings.bicep), every infra file's text, the settings catalogue, and the
 * settings the operator's guide leaves to the operator.
 */
export interface TemplateInput {
  /** infra/modules/app-settings.bicep */
  appSettingsBicep: string;
  /** infra/main.bicep */
  mainBicep: string;
  /** infra/main.parameters.json (azd) */
  parametersJson: string;
  /** Every file the deployment reads (infra/**, azure.yaml), joined. */
  allText: string;
  catalogue: readonly SettingInfo[];
  /** Settings docs/deploy.md documents as left to the operator. */
  leftToOperator: readonly string[];
  /** Settings the template sets ahead of the settings module (being added in parallel); each must not be known yet. */
  pending: readonly string[];
}

export type TemplateProblem =
  | { kind: "required-setting-missing"; setting: string }
  | { kind: "no-storage-setting"; choices: string[] }
  | { kind: "connection-string-storage" }
  | { kind: "unknown-setting"; setting: string }
  | { kind: "local-only-setting"; setting: string }
  | { kind: "not-on-flex-consumption"; setting: string }
  | { kind: "setting-neither-set-nor-documented"; setting: string }
  | { kind: "pending-setting-now-known"; setting: string }
  | { kind: "secret-in-template"; what: string }
  | { kind: "role-missing"; role: string }
  | { kind: "shared-key-access-not-off" }
  | { kind: "key-vault-not-rbac" }
  | { kind: "app-insights-local-auth-not-off" }
  | { kind: "no-settings-block" }
  | { kind: "settings-parameter-not-passed"; parameter: string }
  | { kind: "parameters-file-unknown-parameter"; parameter: string };

/**
 * App settings the Functions platform reads itself. The app never reads them, so they are not in the catalogue.
 * `AzureWebJobsStorage__credential` tells the host to use a managed identity for its own storage connection.
 * `languageWorkers__node__arguments` holds the Node worker's flags (the heap limit, see BENCHMARKS.md).
 */
export const platformSettings = [
  "APPLICATIONINSIGHTS_CONNECTION_STRING",
  "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
  "AzureWebJobsStorage__credential",
  "AzureWebJobsStorage__blobServiceUri",
  "languageWorkers__node__arguments",
] as const;

/**
 * Settings the Flex Consumption plan does not use (the functionAppConfig section replaces them, or the platform sets
 * them itself): setting them is a mistake carried over from the Consumption plan. The runtime and its version are
 * functionAppConfig.runtime; the host version is the platform's; the package comes from functionAppConfig.deployment.
 */
export const notOnFlexConsumption = [
  "FUNCTIONS_WORKER_RUNTIME",
  "FUNCTIONS_WORKER_RUNTIME_VERSION",
  "FUNCTIONS_EXTENSION_VERSION",
  "FUNCTIONS_MAX_HTTP_CONCURRENCY",
  "FUNCTIONS_WORKER_PROCESS_COUNT",
  "WEBSITE_NODE_DEFAULT_VERSION",
  "WEBSITE_RUN_FROM_PACKAGE",
  "WEBSITE_CONTENTSHARE",
  "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
  "WEBSITE_CONTENTOVERVNET",
  "WEBSITE_SKIP_CONTENTSHARE_VALIDATION",
  "WEBSITE_VNET_ROUTE_ALL",
  "WEBSITE_DNS_SERVER",
  "WEBSITE_MAX_DYNAMIC_APPLICATION_SCALE_OUT",
  "SCM_DO_BUILD_DURING_DEPLOYMENT",
  "ENABLE_ORYX_BUILD",
  "APPINSIGHTS_INSTRUMENTATIONKEY",
] as const;

/** Built-in role definition ids (the same in every tenant) the app's identity needs. */
export const requiredRoles = {
  "Storage Blob Data Owner": "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
  "Storage Queue Data Contributor": "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
  "Storage Table Data Contributor": "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
  "Key Vault Secrets User": "4633458b-17de-429c-a429-09d0b6d26b5b",
  "Monitoring Metrics Publisher": "3913510d-42f4-4e42-8a64-420c390055eb",
} as const;

/** Text that only a key, a SAS or a connection string carrying a secret produces. */
const secretPatterns: { what: string; pattern: RegExp }[] = [
  { what: "AccountKey=", pattern: /AccountKey\s*=/i },
  { what: "listKeys(", pattern: /\blistKeys\s*\(/i },
  { what: "listConnectionStrings(", pattern: /\blistConnectionStrings\s*\(/i },
  { what: "listAccountSas(", pattern: /\blistAccountSas\s*\(/i },
  { what: "listServiceSas(", pattern: /\blistServiceSas\s*\(/i },
  { what: "SharedAccessSignature", pattern: /SharedAccessSignature/i },
  { what: "SharedAccessKey=", pattern: /SharedAccessKey\s*=/i },
  { what: "InstrumentationKey=", pattern: /InstrumentationKey\s*=/i },
  { what: "a SAS token (sig=)", pattern: /[?&]sig=/i },
  { what: "a storage connection string", pattern: /DefaultEndpointsProtocol\s*=/i },
];

/** The keys of the `candidates` object in app-settings.bicep, or undefined when there is no such block. */
export function settingKeys(appSettingsBicep: string): { key: string; value: string }[] | undefined {
  const start = /^var candidates = \{\s*$/m.exec(appSettingsBicep);
  if (start === null) return undefined;
  const rest = appSettingsBicep.slice(start.index + start[0].length);
  const end = /^\}\s*$/m.exec(rest);
  const block = end === null ? rest : rest.slice(0, end.index);
  const entries: { key: string; value: string }[] = [];
  for (const line of block.split("\n")) {
    const m = /^\s*'?([A-Za-z_][A-Za-z0-9_]*)'?\s*:\s*(.*)$/.exec(line);
    if (m) entries.push({ key: m[1]!, value: m[2]! });
  }
  return entries;
}

/** Settings that a `*_SETTING` setting names (SMTP_PASSWORD_SETTING: 'SMTP_PASSWORD'): they hold a secret the app reads by that name. */
function namedBySettings(entries: { key: string; value: string }[]): Set<string> {
  const named = new Set<string>();
  for (const { key, value } of entries) {
    if (!key.endsWith("_SETTING")) continue;
    for (const m of value.matchAll(/'([A-Za-z_][A-Za-z0-9_]*)'/g)) named.add(m[1]!);
  }
  return named;
}

/** Parameters of app-settings.bicep that main.bicep's `module settings` does not pass (they would stay at their defaults). */
function unpassedSettingsParameters(appSettingsBicep: string, mainBicep: string): string[] {
  const declared = [...appSettingsBicep.matchAll(/^param (\w+)/gm)].map((m) => m[1]!);
  const start = mainBicep.search(/^module settings 'modules\/app-settings\.bicep'/m);
  const block = start < 0 ? "" : mainBicep.slice(start, start + mainBicep.slice(start).search(/^\}/m));
  const passed = new Set([...block.matchAll(/^\s+(\w+):/gm)].map((m) => m[1]!));
  return declared.filter((name) => !passed.has(name));
}

export function checkTemplate(input: TemplateInput): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const entries = settingKeys(input.appSettingsBicep);
  if (entries === undefined) return [{ kind: "no-settings-block" }];
  const set = new Set(entries.map((e) => e.key));
  const known = new Map(input.catalogue.map((s) => [s.name, s]));
  const named = namedBySettings(entries);

  for (const s of input.catalogue) {
    if (s.need === "required" && !s.localOnly && !set.has(s.name)) problems.push({ kind: "required-setting-missing", setting: s.name });
  }
  const storageChoices = input.catalogue.filter((s) => s.need === "one-of-storage").map((s) => s.name);
  if (storageChoices.length > 0 && !storageChoices.some((name) => set.has(name))) problems.push({ kind: "no-storage-setting", choices: storageChoices });
  if (set.has("AzureWebJobsStorage")) problems.push({ kind: "connection-string-storage" });

  for (const name of set) {
    const info = known.get(name);
    if ((notOnFlexConsumption as readonly string[]).includes(name)) problems.push({ kind: "not-on-flex-consumption", setting: name });
    else if (info?.localOnly) problems.push({ kind: "local-only-setting", setting: name });
    else if (info === undefined && !(platformSettings as readonly string[]).includes(name) && !named.has(name) && !input.pending.includes(name)) {
      problems.push({ kind: "unknown-setting", setting: name });
    }
  }
  for (const name of input.pending) {
    if (known.has(name)) problems.push({ kind: "pending-setting-now-known", setting: name });
  }
  for (const s of input.catalogue) {
    if (s.localOnly || set.has(s.name) || input.leftToOperator.includes(s.name)) continue;
    problems.push({ kind: "setting-neither-set-nor-documented", setting: s.name });
  }

  for (const parameter of unpassedSettingsParameters(input.appSettingsBicep, input.mainBicep)) {
    problems.push({ kind: "settings-parameter-not-passed", parameter });
  }
  const mainParams = new Set([...input.mainBicep.matchAll(/^param (\w+)/gm)].map((m) => m[1]!));
  for (const parameter of Object.keys((JSON.parse(input.parametersJson) as { parameters: object }).parameters)) {
    if (!mainParams.has(parameter)) problems.push({ kind: "parameters-file-unknown-parameter", parameter });
  }
  for (const { what, pattern } of secretPatterns) {
    if (pattern.test(input.allText)) problems.push({ kind: "secret-in-template", what });
  }
  const assignsRoles = /Microsoft\.Authorization\/roleAssignments@/.test(input.allText);
  for (const [role, id] of Object.entries(requiredRoles)) {
    if (!assignsRoles || !input.allText.includes(id)) problems.push({ kind: "role-missing", role });
  }
  if (!/allowSharedKeyAccess:\s*false\b/.test(input.allText) || /allowSharedKeyAccess:\s*(true|!)/.test(input.allText)) {
    problems.push({ kind: "shared-key-access-not-off" });
  }
  if (!/enableRbacAuthorization:\s*true\b/.test(input.allText)) problems.push({ kind: "key-vault-not-rbac" });
  if (!/DisableLocalAuth:\s*true\b/.test(input.allText)) problems.push({ kind: "app-insights-local-auth-not-off" });
  return problems;
}

export function describeProblem(p: TemplateProblem): string {
  switch (p.kind) {
    case "required-setting-missing":
      return `${p.setting}: the app requires it and the template does not set it`;
    case "no-storage-setting":
      return `storage: the template sets none of ${p.choices.join(", ")}`;
    case "connection-string-storage":
      return "AzureWebJobsStorage: a connection string carries a key; use AzureWebJobsStorage__accountName";
    case "unknown-setting":
      return `${p.setting}: set by the template but not a setting the app knows (lib/config/settings.ts) nor the platform's`;
    case "local-only-setting":
      return `${p.setting}: read by the local host only, it has no place in Azure`;
    case "not-on-flex-consumption":
      return `${p.setting}: not used on the Flex Consumption plan (functionAppConfig or the platform sets it)`;
    case "setting-neither-set-nor-documented":
      return `${p.setting}: neither set by the template nor listed in docs/deploy.md as left to the operator`;
    case "pending-setting-now-known":
      return `${p.setting}: now in the settings catalogue: drop it from the pending list of test/infra/template.test.ts`;
    case "secret-in-template":
      return `secret: the template holds ${p.what}`;
    case "role-missing":
      return `role: no ${p.role} assignment`;
    case "shared-key-access-not-off":
      return "storage: allowSharedKeyAccess must be false";
    case "key-vault-not-rbac":
      return "key vault: enableRbacAuthorization must be true";
    case "app-insights-local-auth-not-off":
      return "application insights: DisableLocalAuth must be true";
    case "settings-parameter-not-passed":
      return `${p.parameter}: a parameter of app-settings.bicep that main.bicep does not pass`;
    case "parameters-file-unknown-parameter":
      return `${p.parameter}: in main.parameters.json but not a parameter of main.bicep`;
    case "no-settings-block":
      return "app settings: no `var candidates = {` block in app-settings.bicep";
  }
}
