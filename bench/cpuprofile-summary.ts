import { readFileSync } from "node:fs";

/**
 * Summarises a V8 .cpuprofile (from `--cpu-prof`): self time by function, by file and by area (our lib/ folders,
 * each package in node_modules, Node's internals), so a profile can be read without DevTools.
 *   node dist/bench/cpuprofile-summary.js prof/CPU.*.cpuprofile [--top 40]
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function main(): void {
  const args = process.argv.slice(2);
  const topIndex = args.indexOf("--top");
  const top = topIndex === -1 ? 40 : Number(args[topIndex + 1]);
  const files = args.filter((a, i) => !a.startsWith("--") && (topIndex === -1 || i !== topIndex + 1));
  const selfUs = new Map<number, number>();
  const nodes = new Map<number, ProfileNode>();
  let totalUs = 0;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
    const offset = nodes.size === 0 ? 0 : Math.max(...nodes.keys()) + 1;
    for (const node of profile.nodes) nodes.set(node.id + offset, node);
    profile.samples.forEach((id, i) => {
      const delta = profile.timeDeltas[i] ?? 0;
      selfUs.set(id + offset, (selfUs.get(id + offset) ?? 0) + delta);
      totalUs += delta;
    });
  }
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  const byArea = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = nodes.get(id)!.callFrame;
    const file = shortFile(frame.url);
    add(byFunction, `${frame.functionName || "(anonymous)"} ${file}${frame.url ? `:${frame.lineNumber + 1}` : ""}`, us);
    add(byFile, file || `(${frame.functionName})`, us);
    add(byArea, areaOf(frame), us);
  }
  console.log(`total sampled: ${(totalUs / 1000).toFixed(0)} ms in ${files.length} profile(s)`);
  print("by area", byArea, totalUs, top);
  print("by file", byFile, totalUs, top);
  print("by function (self)", byFunction, totalUs, top);
}

function add(map: Map<string, number>, key: string, us: number): void {
  map.set(key, (map.get(key) ?? 0) + us);
}

function shortFile(url: string): string {
  if (url === "") return "";
  const modules = url.lastIndexOf("node_modules/");
  if (modules !== -1) return url.slice(modules + "node_modules/".length);
  const dist = url.indexOf("/dist/");
  if (dist !== -1) return url.slice(dist + "/dist/".length);
  return url.replace(/^file:\/\//, "");
}

function areaOf(frame: ProfileNode["callFrame"]): string {
  const { url, functionName } = frame;
  if (url === "") return functionName === "(garbage collector)" || functionName === "(program)" || functionName === "(idle)" ? functionName : "(native)";
  const modules = url.lastIndexOf("node_modules/");
  if (modules !== -1) {
    const rest = url.slice(modules + "node_modules/".length).split("/");
    return `pkg ${rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  if (url.startsWith("node:")) return `node ${url.slice(5).split("/")[0]}`;
  const dist = url.indexOf("/dist/");
  if (dist !== -1) {
    const parts = url.slice(dist + "/dist/".length).split("/");
    return parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  return url;
}

function print(title: string, map: Map<string, number>, totalUs: number, top: number): void {
  console.log(`\n## ${title}\n`);
  const rows = [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  for (const [key, us] of rows) console.log(`${(us / 1000).toFixed(0).padStart(7)} ms ${((us / totalUs) * 100).toFixed(1).padStart(5)}%  ${key}`);
}

main();
