// The campaign report's words on the desk.
export const REPORT_STATUS: Record<string, string> = { due: "待生成", generated: "已生成，待审核", archived: "已审核归档" };

/** The saved file's name: the campaign's code and title, in words a clerk files by. Characters
 * a file system refuses are replaced. */
export function reportFileName(code: string, title: string, fmt: "pdf" | "xlsx"): string {
  const safe = `${code} ${title}工作报告`.replace(/[\\/:*?"<>|\r\n\t]+/g, "_").trim();
  return `${safe}.${fmt}`;
}
