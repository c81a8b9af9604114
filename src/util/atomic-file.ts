import { open, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";

/**
 * Replaces `file` with `text` so that a crash or power cut at any moment leaves either the
 * old file or the new one, never a torn mix: write a temporary file next to it, fsync it,
 * rename it over the old one, then fsync the directory so the rename itself is durable
 * (without that, ext4 and others may forget the rename after a power cut). `mode` applies
 * to the new file (state files hold session facts, so 0600).
 */
let tempCounter = 0;

export async function writeFileAtomic(file: string, text: string, mode = 0o600): Promise<void> {
  // pid plus a per-process counter: two writes of one file in flight at once (two stores
  // saving, a save racing a reload) must not share a temporary file.
  const temp = `${file}.tmp-${process.pid}-${++tempCounter}`;
  try {
    const handle = await open(temp, "w", mode);
    try {
      await handle.writeFile(text, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
  await syncDirectory(dirname(file));
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
