import { MemoryBackend } from "../../src/backend/memory/index.js";
import { runConformance } from "./run-conformance.js";

runConformance({ name: "memory", create: ({ clock }) => Promise.resolve(new MemoryBackend(clock)) });
