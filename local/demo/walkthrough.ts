/** What the demo prints once the host is up: where to look, in the order things happen. */
export function demoWalkthrough(url: string, functionKey: string, mailFolder: string): string {
  const key = `-H "x-functions-key: ${functionKey}"`;
  return [
    "DEMO: a simulated Exchange organisation is running (Contoso: healthy; Fabrikam: 6 of 10 mailboxes fail;",
    "Northwind: Basic authentication off on EWS; Tailspin Toys: Exchange Online with app credentials).",
    "Its profiles and mailboxes come from a simulated Dynamics 365 (Dataverse) environment, read at start and every hour;",
    "Dynamics' own verdict on each mailbox stands beside the probe's (Woodgrove has no credentials in the map file).",
    "The schedule fires every 15 seconds and the notifier twice a minute. Within about a minute:",
    "",
    `  curl ${key} ${url}/api/status                 # every profile's health`,
    `  curl ${key} ${url}/api/status/fabrikam-ex2019 # failing mailboxes with their diagnosis`,
    `  curl ${key} ${url}/api/metrics                # Prometheus`,
    "",
    `Fabrikam's owner gets one alert email (at most one an hour); it is saved in ${mailFolder}/`,
    "",
  ].join("\n");
}
