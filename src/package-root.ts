/**
 * The package's own folder. This module sits one level below it both as compiled
 * (dist/package-root.js) and inside the bundles (dist/entry.cjs, dist/cli.cjs, where
 * import.meta.url is the bundle's own), so paths to the package's files are built from here and
 * never from a module's own depth, which bundling changes. (It is why this file is not in boot/.)
 */
export const PACKAGE_ROOT = new URL("../", import.meta.url);
