#!/usr/bin/env node
import module from "node:module";
// Node 22+ keeps compiled code between runs (a faster start); Node 20 has no such cache.
module.enableCompileCache?.();
// With ROTATION_DEBUG=1, stack traces name the source files rather than the bundle's lines.
if (process.env.ROTATION_DEBUG === "1") process.setSourceMapsEnabled?.(true);
const { main } = await import("../dist/cli.js");
main();
