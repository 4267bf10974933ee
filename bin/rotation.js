#!/usr/bin/env node
// CommonJS (bin/package.json says so): a command line never starts Node's ES module loader.
"use strict";
// Node 22+ keeps compiled code between runs (a faster start); Node 20 has no such cache.
require("node:module").enableCompileCache?.();
// With ROTATION_DEBUG=1, stack traces name the source files rather than the bundle's lines.
if (process.env.ROTATION_DEBUG === "1") process.setSourceMapsEnabled?.(true);
require("../dist/cli.cjs").main();
