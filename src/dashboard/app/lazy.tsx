/**
 * Views loaded on first use: the first paint downloads and compiles only the shell, the login
 * page and the overview; every other view is its own fingerprinted chunk (cached for a year like
 * the rest), fetched when its route is first opened.
 */
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";

type View<P> = (props: P) => JSX.Element;

export function lazyView<P extends object>(what: string, load: () => Promise<View<P>>): View<P> {
  let loaded: View<P> | null = null;
  let loading: Promise<View<P>> | null = null;
  return function Lazy(props: P) {
    const [Loaded, setLoaded] = useState<View<P> | null>(() => loaded);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (Loaded) return;
      let live = true;
      loading ??= load().then(
        (v) => (loaded = v),
        (err: unknown) => {
          loading = null; // the next visit tries again
          throw err;
        },
      );
      loading.then(
        (v) => live && setLoaded(() => v),
        () => live && setFailed(true),
      );
      return () => {
        live = false;
      };
    }, [Loaded]);
    if (Loaded) return <Loaded {...props} />;
    if (failed)
      return (
        <p class="error-note" role="alert">
          Could not load {what} (is the server up?): reload the page.
        </p>
      );
    return <p class="muted loading">Loading {what}…</p>;
  };
}
