/**
 * A small aligned-table formatter: columns padded to their widest cell, numbers right-aligned,
 * two spaces between columns, no borders (easy to read, easy to `grep`/`awk`).
 */

export type Align = "left" | "right";

export interface Column {
  header: string;
  /** Default: right for columns whose cells are all numeric, left otherwise. */
  align?: Align;
  /** Cut longer cells to this many characters (with "…"). */
  max?: number;
}

const NUMERIC = /^-?[\d.,]+(%|ms|s)?$/;

/** Visible width: code points, ignoring ANSI colour escapes. */
export function displayWidth(text: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI escapes on purpose
  return [...text.replace(/\u001b\[[0-9;]*m/g, "")].length;
}

export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 1)).join("")}…`;
}

function pad(text: string, width: number, align: Align): string {
  const fill = " ".repeat(Math.max(0, width - displayWidth(text)));
  return align === "right" ? fill + text : text + fill;
}

/**
 * Formats rows under headers. Cells are strings (or numbers, shown as is); `null`/`undefined`
 * show as "-". Returns the text with a trailing newline (empty string for no columns).
 *
 * @example
 * table([{ header: "QUEUE" }, { header: "QUEUED" }], [["pdf", 3], ["email", 12]]);
 * // QUEUE  QUEUED
 * // pdf         3
 * // email      12
 */
export function table(
  columns: ReadonlyArray<Column | string>,
  rows: ReadonlyArray<ReadonlyArray<string | number | null | undefined>>,
): string {
  const cols: Column[] = columns.map((c) => (typeof c === "string" ? { header: c } : c));
  if (cols.length === 0) return "";
  const cells = rows.map((row) =>
    cols.map((col, i) => {
      const v = row[i];
      const text = v === null || v === undefined || v === "" ? "-" : String(v).replace(/\s*\n\s*/g, " ");
      return col.max ? truncate(text, col.max) : text;
    }),
  );
  const aligns: Align[] = cols.map(
    (col, i) =>
      col.align ??
      (cells.some((r) => r[i] !== "-") && cells.every((r) => r[i] === "-" || NUMERIC.test(r[i]!))
        ? "right"
        : "left"),
  );
  const widths = cols.map((col, i) =>
    Math.max(displayWidth(col.header), ...cells.map((r) => displayWidth(r[i]!))),
  );
  const line = (parts: string[]) =>
    parts
      .map((p, i) => pad(p, i === parts.length - 1 && aligns[i] === "left" ? 0 : widths[i]!, aligns[i]!))
      .join("  ")
      .trimEnd();
  return [line(cols.map((c) => c.header)), ...cells.map(line)].join("\n") + "\n";
}
