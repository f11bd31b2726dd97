/**
 * A progress bar on stderr (stdout stays for the summary and `--json`): redrawn in place on a terminal, one
 * line per tenth of the work otherwise (CI logs).
 */
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr) {
  let lastTenth = -1;
  return {
    update(done: number, total: number | undefined, note = '') {
      const ratio = total && total > 0 ? Math.min(1, done / total) : 0;
      const width = 30;
      const filled = Math.round(ratio * width);
      const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
      const line = `${label} ${bar} ${done}/${total ?? '?'} ${note}`.trimEnd();
      if (stream.isTTY) stream.write(`\r${line}\u001b[K`);
      else if (Math.floor(ratio * 10) > lastTenth) {
        lastTenth = Math.floor(ratio * 10);
        stream.write(`${line}\n`);
      }
    },
    done() {
      if (stream.isTTY) stream.write('\n');
    },
  };
}
