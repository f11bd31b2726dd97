/**
 * A one-line progress bar on stderr, redrawn at most every 100 ms; silent when stderr is not a terminal or the
 * output is JSON (scripts read stdout only).
 */
export function progressBar(enabled: boolean) {
  let last = 0;
  const draw = (label: string, done: number, total: number, force = false) => {
    if (!enabled || (!force && Date.now() - last < 100)) return;
    last = Date.now();
    const share = total > 0 ? Math.min(1, done / total) : 1;
    const width = 30;
    const bar = '#'.repeat(Math.round(share * width)).padEnd(width, '-');
    const percent = `${Math.floor(share * 100)}%`.padStart(4);
    process.stderr.write(
      `\r[${bar}] ${percent} ${done.toLocaleString('en')}/${total.toLocaleString('en')} ${label}   `,
    );
  };
  return {
    update: (label: string, done: number, total: number) => draw(label, done, total),
    finish: (label: string, done: number, total: number) => {
      draw(label, done, total, true);
      if (enabled) process.stderr.write('\n');
    },
  };
}
