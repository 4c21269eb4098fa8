// package.json "preinstall": which Node runs npm, said once. The `node` dev dependency may already be first on the
// PATH of this script, so npm's own Node is read from npm's user agent ("npm/11.6.2 node/v20.19.0 linux x64 ...").
const agent = process.env.npm_config_user_agent ?? "";
const version = /\bnode\/v(\d+\.\d+\.\d+)/.exec(agent)?.[1] ?? process.versions.node;
const major = Number(version.split(".")[0]);
if (major < 20) {
  console.error(`exchange-sync-monitor: npm runs on Node v${version}; installing needs Node 20 or later to run npm (the app then runs on Node 22 from the \`node\` dev dependency).`);
  process.exit(1);
}
if (major < 22) {
  console.error(`exchange-sync-monitor: npm runs on Node v${version}; the app, its tests and its CLI run on Node 22 from the \`node\` dev dependency.`);
}
