// What the inspector should do when the server refuses a record made offline (a conflict):
// shown next to the record, which stays on the phone until they retry or discard it.
import type { ApiError } from "../api/client";

const BY_CODE: Record<string, string> = {
  illegal_transition: "这项检查的状态已经变化（例如已被同组人员提交或办结），这条记录没有保存。请打开检查查看最新情况；确需补录的，请联系组长。",
  items_not_published: "有抽查事项不在已公布的清单上，暂不能开始检查。请联系发起科室或政策法规科。",
  item_not_in_inspection: "该抽查事项已不在本次检查中，这条记录没有保存。请打开检查核对事项。",
  not_found: "该检查已不存在，或您已不在检查组中。请联系组长。",
  callup_closed: "召集已结束，请联系组长。",
  storage_unavailable: "服务器暂时无法保存文件，请稍后重试。",
  unsupported_media_type: "文件类型不被接受：请重新拍摄，或选择 JPEG、PNG 照片或 PDF 文件。",
  file_too_large: "文件过大：请重新拍摄或选择较小的文件。",
  idempotency_key_reused: "这条记录与已提交的另一条记录冲突，没有保存。请核对后重新录入。",
};

export function adviceFor(error: ApiError): string {
  if (BY_CODE[error.code]) return BY_CODE[error.code];
  if (error.status === 403) return "您没有权限进行此操作（检查组可能已调整）。请联系组长。";
  if (error.status === 404) return BY_CODE.not_found;
  if (error.status === 413) return BY_CODE.file_too_large;
  if (error.status === 422) {
    const fields = error.errors.map((e) => e.message).join("；");
    return `内容有误${fields ? `（${fields}）` : ""}，没有保存。请修改后重新提交。`;
  }
  return "服务器没有接受这条记录。请核对后重试；仍不成功的，请联系组长。";
}
