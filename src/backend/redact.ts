/** Hides credentials when a backend URL is echoed in an error or a log. */
export function redact(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, "//***@");
}
