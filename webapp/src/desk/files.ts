// Files on the desk: saving a download (the API answers with the bearer token, so a plain link
// cannot fetch it), and a sheet written back as CSV after corrections made on the screen.
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function cell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** RFC 4180 CSV, UTF-8 with a BOM (Excel on a Chinese Windows then reads it right). */
export function toCsv(headers: string[], rows: string[][]): Blob {
  const lines = [headers, ...rows].map((r) => r.map(cell).join(","));
  return new Blob(["\ufeff" + lines.join("\r\n") + "\r\n"], { type: "text/csv" });
}
