/** Aligned text tables and a progress bar for the terminal. */

export function renderTable(headers: string[], rows: (string | number)[][], rightAlign: boolean[] = []): string {
  const cells = rows.map((r) => r.map((c) => String(c)));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const fmt = (r: string[]) =>
    r.map((c, i) => (rightAlign[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [fmt(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(fmt)].join('\n');
}

export function renderMarkdownTable(headers: string[], rows: (string | number)[][]): string {
  const esc = (s: string | number) => String(s).replace(/\|/g, '\\|');
  return [
    '| ' + headers.map(esc).join(' | ') + ' |',
    '|' + headers.map(() => ' --- ').join('|') + '|',
    ...rows.map((r) => '| ' + r.map(esc).join(' | ') + ' |'),
  ].join('\n');
}

/** One line, redrawn in place on a TTY; on a pipe, a line every 10 %. */
export function progressBar(out: NodeJS.WriteStream, total: number, label: string) {
  let lastPct = -1;
  return {
    update(done: number, note = '') {
      const pct = total ? Math.floor((done * 100) / total) : 100;
      const width = 30;
      const fill = Math.round((pct / 100) * width);
      const line = `${label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${done}/${total} ${note}`;
      if (out.isTTY) out.write('\r' + line);
      else if (Math.floor(pct / 10) !== Math.floor(lastPct / 10) || done === total) out.write(line + '\n');
      lastPct = pct;
    },
    end() {
      if (out.isTTY) out.write('\n');
    },
  };
}
