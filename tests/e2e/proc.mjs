// What the end-to-end tests read about the app's processes.
import fs from "node:fs";

/** Resident memory (MiB) of the processes whose command line matches `pattern`. */
export function rssMiB(pattern) {
  let kib = 0;
  for (const pid of fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      if (!pattern.test(fs.readFileSync(`/proc/${pid}/cmdline`, "utf8"))) continue;
      const m = fs.readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+) kB/);
      if (m) kib += Number(m[1]);
    } catch {
      // the process ended while we looked
    }
  }
  return Math.round(kib / 1024);
}
