#!/usr/bin/env node
import module from "node:module";
// Node 22+ keeps compiled code between runs (a faster start); Node 20 has no such cache.
module.enableCompileCache?.();
const { main } = await import("../dist/cli.js");
main();
