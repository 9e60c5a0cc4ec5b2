// RFC 4180 CSV: comma-separated, CRLF line ends, fields quoted when they hold a comma, quote or
// line break. Free text is also defused against spreadsheet formula injection.

export type CsvValue = string | number;

/** One field, quoted only when it has to be. */
export function csvField(value: CsvValue): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Free text a spreadsheet might run as a formula (=, +, -, @, tab, CR first) gets a leading
 * apostrophe, which spreadsheets show as plain text.
 */
export function textCell(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

export function toCsv(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(",") + "\r\n").join("");
}
