#!/usr/bin/env node
// Copy the front-end files the pages use from node_modules into onewindow/static/vendor/.
//
// The vendor folder is generated (git-ignored) and rebuilt from scratch on every run, so it
// always matches package-lock.json. Source maps are copied with the files that name them:
// Django's ManifestStaticFilesStorage follows `sourceMappingURL` and fails on a missing map.
//
// Usage: npm ci && npm run build

import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const modules = join(root, "node_modules");
const vendor = join(root, "onewindow", "static", "vendor");

// [package, file inside the package, destination inside vendor/]
const FILES = [
  ["bootstrap", "dist/css/bootstrap.min.css", "bootstrap/bootstrap.min.css"],
  ["bootstrap", "dist/css/bootstrap.min.css.map", "bootstrap/bootstrap.min.css.map"],
  ["bootstrap", "dist/js/bootstrap.bundle.min.js", "bootstrap/bootstrap.bundle.min.js"],
  ["bootstrap", "dist/js/bootstrap.bundle.min.js.map", "bootstrap/bootstrap.bundle.min.js.map"],
  ["bootstrap", "LICENSE", "bootstrap/LICENSE"],
  ["bootstrap-icons", "font/bootstrap-icons.min.css", "bootstrap-icons/bootstrap-icons.min.css"],
  ["bootstrap-icons", "font/fonts/bootstrap-icons.woff2", "bootstrap-icons/fonts/bootstrap-icons.woff2"],
  ["bootstrap-icons", "font/fonts/bootstrap-icons.woff", "bootstrap-icons/fonts/bootstrap-icons.woff"],
  ["bootstrap-icons", "LICENSE", "bootstrap-icons/LICENSE"],
  ["htmx.org", "dist/htmx.min.js", "htmx/htmx.min.js"],
  ["htmx.org", "LICENSE", "htmx/LICENSE"],
  ["echarts", "dist/echarts.min.js", "echarts/echarts.min.js"],
  ["echarts", "LICENSE", "echarts/LICENSE"],
];

function installedVersion(pkg) {
  const manifest = join(modules, pkg, "package.json");
  if (!existsSync(manifest)) {
    throw new Error(`${pkg} is not installed: run "npm ci" first`);
  }
  return JSON.parse(readFileSync(manifest, "utf8")).version;
}

function main() {
  // Fail before touching vendor/ if anything is missing.
  const versions = {};
  for (const [pkg, file] of FILES) {
    versions[pkg] ??= installedVersion(pkg);
    const source = join(modules, pkg, file);
    if (!existsSync(source)) {
      throw new Error(`missing ${relative(root, source)} (is ${pkg}@${versions[pkg]} the expected version?)`);
    }
  }

  rmSync(vendor, { recursive: true, force: true });
  let bytes = 0;
  for (const [pkg, file, destination] of FILES) {
    const target = join(vendor, destination);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(join(modules, pkg, file), target);
    bytes += statSync(target).size;
  }

  for (const [pkg, version] of Object.entries(versions)) {
    console.log(`  ${pkg}@${version}`);
  }
  console.log(`copied ${FILES.length} files (${Math.round(bytes / 1024)} KiB) to ${relative(root, vendor)}/`);
}

try {
  main();
} catch (error) {
  console.error(`build_static: ${error.message}`);
  process.exit(1);
}
