/** A table for people: name, value right-aligned, note. */
export function printRows(rows: readonly (readonly string[])[]): void {
  const width = Math.max(...rows.map((r) => r[0]!.length));
  const valueWidth = Math.max(...rows.map((r) => r[1]!.length));
  for (const [name, value, note] of rows)
    process.stdout.write(`${name!.padEnd(width)}  ${value!.padStart(valueWidth)}  ${note}\n`);
}

export const yes = (met: boolean): string => (met ? "yes" : "NO");

export const ms = (value: number): string => `${value.toFixed(0)} ms`;

export const mib = (value: number): string => `${value.toFixed(0)} MiB`;
