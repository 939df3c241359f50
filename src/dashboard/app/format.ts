/** Times and numbers for people: relative and absolute, in the viewer's own time zone. */
import { useEffect, useState } from "preact/hooks";

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto", style: "short" });
const sameDay = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
const otherDay = new Intl.DateTimeFormat(undefined, {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});
const full = new Intl.DateTimeFormat(undefined, {
  dateStyle: "full",
  timeStyle: "long",
});

export const viewerZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 86_400_000],
  ["month", 30 * 86_400_000],
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
  ["second", 1000],
];

export function relativeTime(at: number, now = Date.now()): string {
  const diff = at - now;
  const abs = Math.abs(diff);
  if (abs < 5000) return "now";
  for (const [unit, ms] of UNITS)
    if (abs >= ms || unit === "second") return relative.format(Math.round(diff / ms), unit);
  return "";
}

export function absoluteTime(at: number, now = Date.now()): string {
  const d = new Date(at);
  return new Date(now).toDateString() === d.toDateString() ? sameDay.format(d) : otherDay.format(d);
}

export function fullTime(at: number): string {
  return full.format(new Date(at));
}

/** A time in a given IANA zone (a schedule's), with the zone's name. */
export function zonedTime(at: number, timeZone: string): string {
  return new Intl.DateTimeFormat(undefined, {
    timeZone,
    weekday: "short",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZoneName: "short",
  }).format(new Date(at));
}

export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  const h = Math.floor(s / 3600);
  if (h < 48) return `${h} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

export const num = (n: number) => n.toLocaleString();

/** Re-renders every `ms` so relative times stay true. */
export function useTick(ms = 15_000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

export function shortId(id: string): string {
  return id.length > 13 ? `${id.slice(0, 8)}…${id.slice(-4)}` : id;
}
