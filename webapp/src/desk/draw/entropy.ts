// The public entropy as it is entered at the ceremony: its source (a lottery and its issue, an
// index's close), the value, and the date the source produced it. They are written into one text,
// character for character what the public record shows and the verifier hashes; the date is
// written in it so that anyone can see the value came after the commitment.
export interface EntropyParts {
  source: string;
  value: string;
  date: string; // YYYY-MM-DD
}

export function entropyText(p: EntropyParts): string {
  const source = p.source.trim().replace(/\s+/g, " ");
  const value = p.value.trim().replace(/\s+/g, " ");
  if (!source || !value || !/^\d{4}-\d{2}-\d{2}$/.test(p.date)) return "";
  const [y, m, d] = p.date.split("-").map(Number);
  return `${source} ${value}（${y}年${m}月${d}日）`;
}

/** Witnesses as the record keeps them: names joined by 、, blanks dropped. */
export function witnessText(names: string[]): string {
  return names.map((n) => n.trim()).filter(Boolean).join("、");
}
