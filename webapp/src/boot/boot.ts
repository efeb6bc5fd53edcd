// Entry of the script inlined into index.html (build/boot.ts): draw the first screen now.
import { readBootData } from "./data";
import { draw } from "./first-screen";

const root = document.getElementById("app");
if (root && !root.firstChild) {
  try {
    draw(document, root, readBootData(document));
  } catch {
    // The app draws everything itself when it arrives; a failed early screen only costs time.
  }
}
