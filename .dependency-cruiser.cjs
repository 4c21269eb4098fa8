/**
 * The layering of issue 9, checked by test/architecture.test.ts: lower folders never import higher ones, no
 * import circle, and lib/ never reaches the hosts (functions/, app/, local/, cli/, bench/, sim/, @azure/functions).
 * Folders on one line may import each other, without circles. Type-only imports count like any other.
 */
const layers = [
  ["lib/model", "lib/util", "lib/maintenance"],
  ["lib/config", "lib/xml"],
  ["lib/diagnosis"],
  ["lib/net"],
  ["lib/auth"],
  ["lib/exchange", "lib/graph", "lib/dataverse"],
  ["lib/engine"],
  ["lib/probes"],
  ["lib/store"],
  ["lib/cycle", "lib/recording", "lib/profiles", "lib/notify", "lib/status", "lib/on-demand", "lib/[^/]+(?<!app-context)[.]ts"],
  ["lib/http", "lib/app-context[.]ts"],
  ["functions", "app", "local", "cli", "bench"],
];

const pathOf = (folders) => `^(${folders.join("|")})(/|$)`;

const upward = layers.slice(0, -1).map((folders, i) => ({
  name: `layer-${i}-not-upward`,
  comment: `${folders.join(", ")} may import only from the same or lower layers`,
  severity: "error",
  from: { path: pathOf(folders) },
  to: { path: pathOf(layers.slice(i + 1).flat()) },
}));

module.exports = {
  forbidden: [
    { name: "no-circular", comment: "no import circle", severity: "error", from: {}, to: { circular: true } },
    ...upward,
    {
      name: "lib-not-to-hosts",
      comment: "lib/ never imports the hosts, the simulator or the Functions SDK",
      severity: "error",
      from: { path: "^lib/" },
      to: { path: "^(functions|app|local|cli|bench|sim)/|(^|/)node_modules/@azure/functions/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|dist)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"], extensions: [".ts", ".js"] },
  },
};
