// Empties dist/ before a build, so files whose source was removed or renamed (or a test file
// built by an older config) never reach the package.
import { rmSync } from "node:fs";

rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });
