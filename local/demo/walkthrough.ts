import type { DemoStory } from "../../sim/demo-story.js";

/** A demo profile as the walkthrough tells it: from the profile itself and its story. */
export interface DemoProfileStory extends DemoStory {
  id: string;
  name: string;
  owner: string;
}

/** What the demo prints once the host is up: where to look, in the order things happen, from the demo's own data. */
export function demoWalkthrough(url: string, functionKey: string, mailFolder: string, profiles: readonly DemoProfileStory[]): string {
  const key = `-H "x-functions-key: ${functionKey}"`;
  const failing = profiles.find((p) => p.health !== "ok") ?? profiles[0];
  const alerted = profiles.filter((p) => p.ownerAlerted);
  const width = Math.max(...profiles.map((p) => p.id.length));
  return [
    `DEMO: a simulated Exchange organisation is running, with ${profiles.length} profiles:`,
    ...profiles.map((p) => `  ${p.id.padEnd(width)}  ${p.shows}`),
    "Its profiles and mailboxes come from a simulated Dynamics 365 (Dataverse) environment, read at start and every hour;",
    "Dynamics' own verdict on each mailbox stands beside the probe's.",
    "The schedule fires every 15 seconds and the notifier twice a minute. Within about a minute:",
    "",
    `  curl ${key} ${url}/api/status                 # every profile's health`,
    ...(failing ? [`  curl ${key} ${url}/api/status/${failing.id} # failing mailboxes with their diagnosis`] : []),
    `  curl ${key} ${url}/api/metrics                # Prometheus`,
    "",
    alerted.length === 0
      ? "No profile fails enough to email its owner."
      : `${alerted.length === 1 ? "One owner gets" : `${alerted.length} owners get`} one alert email each (at most one an hour), saved in ${mailFolder}/: ` +
        alerted.map((p) => `${p.owner} (${p.name})`).join(", "),
    "",
  ].join("\n");
}
