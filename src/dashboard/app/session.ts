/** The signed-in caller, shared by every view (null until known or when logged out). */
import { useEffect, useState } from "preact/hooks";
import type { Me } from "./types";

let me: Me | null = null;
const listeners = new Set<(m: Me | null) => void>();

export function setMe(next: Me | null): void {
  me = next;
  for (const l of listeners) l(next);
}

export function useMe(): Me | null {
  const [m, set] = useState(me);
  useEffect(() => {
    listeners.add(set);
    set(me);
    return () => void listeners.delete(set);
  }, []);
  return m;
}
