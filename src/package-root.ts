/**
 * The package's own folder. This module sits one level below it both as compiled (dist/) and
 * inside the bundle (dist/rotation.mjs), so paths to the package's files are built from here
 * and never from a module's own depth, which bundling changes.
 */
export const PACKAGE_ROOT = new URL("../", import.meta.url);
