// Toasts and dialogs (Vant's function APIs, with their styles), and the one way errors are
// told to the user: the server's Chinese message, or plain words for no signal.
import { closeToast, showConfirmDialog, showDialog, showFailToast, showLoadingToast, showSuccessToast, showToast } from "vant";
import "vant/es/toast/style";
import "vant/es/dialog/style";
import { ApiError, NetworkError } from "./api/client";

export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    const fields = error.errors.map((e) => e.message).filter(Boolean);
    return fields.length ? `${error.detail}：${fields.join("；")}` : error.detail;
  }
  if (error instanceof NetworkError) return "网络不可用，请检查网络后重试";
  return "出现了意外错误，请稍后重试";
}

export function notifyError(error: unknown): void {
  if (!(error instanceof ApiError) && !(error instanceof NetworkError)) console.error(error);
  showDialog({ title: "未能完成", message: errorText(error), confirmButtonText: "知道了" });
}

export async function confirm(title: string, message: string, ok = "确定"): Promise<boolean> {
  try {
    await showConfirmDialog({ title, message, confirmButtonText: ok, cancelButtonText: "取消" });
    return true;
  } catch {
    return false;
  }
}

export { closeToast, showDialog, showFailToast, showLoadingToast, showSuccessToast, showToast };
