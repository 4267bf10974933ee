#!/usr/bin/env node
// CommonJS (bin/package.json says so): a command line never starts Node's ES module loader.
"use strict";
// With ROTATION_DEBUG=1, stack traces name the source files rather than the bundle's lines.
if (process.env.ROTATION_DEBUG === "1") process.setSourceMapsEnabled?.(true);
require("../dist/cli.cjs").main();
