/**
 * Noticing that the sources changed. File system events on the folders that hold them
 * (a file's own watch would follow the inode the symlink pointed to, and Kubernetes
 * updates a mounted Secret by swapping the `..data` symlink of the folder), debounced so
 * a copy in progress is read once it settles, plus a periodic rescan for what events
 * miss (network file systems, a folder replaced as a whole). Everything is unref'd.
 */
import { watch, type FSWatcher } from 'node:fs';

export interface SourceWatcher {
  close(): void;
}

/** Events closer together than this are one change (a copy writes in several steps). */
export const SETTLE_MS = 150;

export function watchSources(folders: readonly string[], rescanIntervalMs: number, onChange: () => void): SourceWatcher {
  const watchers: FSWatcher[] = [];
  let settle: NodeJS.Timeout | undefined;
  const changed = () => {
    if (settle) clearTimeout(settle);
    settle = setTimeout(() => {
      settle = undefined;
      onChange();
    }, SETTLE_MS).unref();
  };
  for (const folder of new Set(folders)) {
    try {
      const watcher = watch(folder, { persistent: false }, changed);
      // A folder that disappears stops its events; the rescan still sees what comes back.
      watcher.on('error', () => watcher.close());
      watchers.push(watcher);
    } catch {
      // Not watchable (gone, no inotify slots): the rescan covers it.
    }
  }
  const rescan = setInterval(onChange, rescanIntervalMs).unref();
  return {
    close() {
      if (settle) clearTimeout(settle);
      clearInterval(rescan);
      for (const watcher of watchers) watcher.close();
    },
  };
}
