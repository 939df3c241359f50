/**
 * `redis://[user:pass@]host:port/db?prefix=spool&allowEviction=true` (also `rediss://` for TLS).
 * spool's own options are taken out of the query; the rest of the URL goes to ioredis as is.
 */
import { InvalidArgumentError } from "../../core/errors/index.js";

export const PREFIX_DEFAULT = "spool";

export interface RedisUrlOptions {
  /** The URL ioredis connects to (spool's query options removed). */
  connectUrl: string;
  /** Key prefix; every key is `{<prefix>}:…` (one hash tag, so one cluster slot). */
  prefix: string;
  /** Skip the maxmemory-policy check (eviction can silently delete jobs and leases). */
  allowEviction: boolean;
}

export function parseRedisUrl(url: string): RedisUrlOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new InvalidArgumentError(`malformed Redis URL`, "backend", cause);
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:")
    throw new InvalidArgumentError(`a Redis URL starts with redis:// or rediss://`, "backend");
  const prefix = parsed.searchParams.get("prefix") ?? PREFIX_DEFAULT;
  if (!/^[A-Za-z0-9_.:-]{1,100}$/.test(prefix))
    throw new InvalidArgumentError(
      `prefix must be 1-100 characters of A-Z a-z 0-9 _ . : - (got "${prefix}")`,
      "prefix",
    );
  const allow = parsed.searchParams.get("allowEviction");
  if (allow !== null && allow !== "true" && allow !== "false")
    throw new InvalidArgumentError(`allowEviction must be true or false`, "allowEviction");
  parsed.searchParams.delete("prefix");
  parsed.searchParams.delete("allowEviction");
  return { connectUrl: parsed.toString(), prefix, allowEviction: allow === "true" };
}
