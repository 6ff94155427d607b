import { describe, expect, it } from 'vitest';
import { createBoardPower } from '../../configurator/power/power-model.ts';
import { MSP430_CC2420_PAPER000 } from '../../configurator/power/power-params.ts';
import { batchStats, batchSummaryMarkdown, batchSummaryText, fixed, powerSvg, tableIIIMarkdown, tableIIIText, textTable } from '../../configurator/power/power-report.ts';

/** Checks that every opened tag is closed in order; returns the tag names seen. */
function checkBalanced(xml: string): string[] {
  var stack: string[] = [];
  var seen: string[] = [];
  var re = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"]*")*)\s*(\/?)>/g;
  var stripped = xml.replace(re, function (m: string, close: string, name: string, _attrs: string, self: string) {
    seen.push(name);
    if (close) {
      var top = stack.pop();
      if (top !== name) throw new Error('</' + name + '> closes <' + top + '>');
    } else if (!self) stack.push(name);
    return '';
  });
  if (stack.length) throw new Error('unclosed: ' + stack.join(','));
  // No stray markup outside recognised tags (e.g. an unescaped '<' in text).
  if (/[<>]/.test(stripped)) throw new Error('stray < or > in text');
  return seen;
}

function sampleBoard(name: string, txAt: number) {
  // Paper 000 figures: cpu 10 mA, LPM 0.5 µA, rx 8.8 mA, tx 17.4 mA at 3 V.
  var bp = createBoardPower(name, MSP430_CC2420_PAPER000);
  bp.setState('radio', 'rx', 0);
  bp.busy(0, 0.5, 'ECC Sign');
  bp.setState('radio', 'tx', txAt);
  bp.setState('radio', 'rx', txAt + 4);
  bp.op('tx JOIN', txAt, txAt + 4);
  return bp;
}

describe('Table III text and markdown', () => {
  it('has the operation rows with units and aligned columns', () => {
    var rep = sampleBoard('node-1', 600).energy(1000);
    var txt = tableIIIText(rep);
    // ECC Sign 0–500 ms: cpu 3 × 10 × 0.5 = 15 mJ + rx 3 × 8.8 × 0.5 = 13.2 mJ → 28.2 mJ, 56.4 mW.
    // tx JOIN 4 ms: tx 3 × 17.4 × 0.004 = 0.2088 mJ + LPM 3 × 0.0005 × 0.004 = 0.000006 → 0.208806 mJ, 52.2015 mW.
    expect(txt).toContain('Operation');
    expect(txt).toContain('Time (s)');
    expect(txt).toContain('Power (mW)');
    expect(txt).toContain('Energy (mJ)');
    var lines = txt.split('\n');
    var sign = lines.filter((l) => l.indexOf('ECC Sign') === 0)[0];
    expect(sign.split(/\s{2,}/)).toEqual(['ECC Sign', '1', '0.500000', '56.40', '28.2000']);
    var join = lines.filter((l) => l.indexOf('tx JOIN') === 0)[0];
    expect(join.split(/\s{2,}/)).toEqual(['tx JOIN', '1', '0.004000', '52.20', '0.2088']);
    // Right-aligned numbers: the header and both rows end at the same column.
    var header = lines.filter((l) => l.indexOf('Operation') === 0)[0];
    expect(sign.length).toBe(header.length);
    expect(join.length).toBe(header.length);
    // Total: cpu 15 + 0.00075 (LPM 0.5 s); rx 3 × 8.8 × 0.996 = 26.2944; tx 0.2088 → 41.50395 mJ.
    expect(txt).toContain('41.5040');
    expect(txt).toMatch(/radio\s+tx\s+17\.4\s+0\.004000\s+0\.2088/);
  });

  it('markdown has a header separator and one row per operation and state', () => {
    var rep = sampleBoard('node-1', 600).energy(1000);
    var md = tableIIIMarkdown(rep);
    expect(md).toContain('| Operation | #Times | Time (s) | Power (mW) | Energy (mJ) |');
    expect(md).toContain('| --- | ---: | ---: | ---: | ---: |');
    expect(md).toContain('| ECC Sign | 1 | 0.500000 | 56.40 | 28.2000 |');
    var tableLines = md.split('\n').filter((l) => l.charAt(0) === '|');
    // ops: header + sep + 2 rows; states: header + sep + 5 states (cpu, idle, rx, tx, off) + total
    expect(tableLines.length).toBe(4 + 8);
  });

  it('textTable pads and rules', () => {
    expect(textTable(['a', 'bb'], [['xyz', '1'], '-', ['', '22']], [false, true])).toBe('a    bb\n---  --\nxyz   1\n---  --\n     22\n');
    expect(fixed(-0.00001, 2)).toBe('0.00');
  });
});

describe('batch summary', () => {
  it('energy per board, mean, max, min', () => {
    var a = sampleBoard('a', 600).energy(1000);
    var b = createBoardPower('b', MSP430_CC2420_PAPER000).energy(1000); // LPM only: 3 × 0.0005 × 1 = 0.0015 mJ
    var st = batchStats([a, b]);
    expect(st.boards).toBe(2);
    expect(st.maxBoard).toBe('a');
    expect(st.maxMj).toBeCloseTo(41.50395, 9);
    expect(st.minBoard).toBe('b');
    expect(st.minMj).toBeCloseTo(0.0015, 12);
    expect(st.meanMj).toBeCloseTo((41.50395 + 0.0015) / 2, 9);
    var txt = batchSummaryText([a, b]);
    expect(txt).toContain('2 boards: total 41.505 mJ, mean 20.753 mJ, max 41.504 mJ (a), min 0.002 mJ (b)');
    expect(batchSummaryMarkdown([a, b])).toContain('| a | 1.000 | 15.001 | 26.503 | 41.504 | 41.50 |');
  });
});

describe('power SVG', () => {
  it('is well formed and holds the three series, axes, legend and title', () => {
    var bp = sampleBoard('node-1', 600);
    var svg = powerSvg(bp.series(100, 1000), { title: 'Sign & join <node-1>' });
    var tags = checkBalanced(svg);
    expect(tags[0]).toBe('svg');
    expect(svg.indexOf('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(0);
    expect(svg.trim().slice(-6)).toBe('</svg>');
    expect(svg).toContain('class="series-cpu"');
    expect(svg).toContain('class="series-rx"');
    expect(svg).toContain('class="series-tx"');
    expect(svg).not.toContain('class="series-other"');
    expect(svg).toContain('>CPU</text>');
    expect(svg).toContain('>radio RX</text>');
    expect(svg).toContain('>radio TX</text>');
    expect(svg).toContain('Sign &amp; join &lt;node-1&gt;');
    expect(svg).toContain('>power (mW)</text>');
    expect(svg).toContain('>time (ms)</text>');
    expect(svg).toContain('mean per 10 ms bin');
    // Peak stack: 0–500 ms cpu 30 + rx 26.4 = 56.4 mW → y axis up to 60 with a 10 mW step.
    expect(svg).toContain('>60</text>');
    expect(svg).not.toContain('>70</text>');
    expect(svg).not.toContain('NaN');
  });

  it('switches to seconds for long runs and survives an empty timeline', () => {
    var bp = createBoardPower('idle', MSP430_CC2420_PAPER000);
    var svg = powerSvg(bp.series(50, 10000));
    checkBalanced(svg);
    expect(svg).toContain('>time (s)</text>');
    expect(svg).not.toContain('NaN');
    var zero = powerSvg(createBoardPower('z').series(10));
    checkBalanced(zero);
    expect(zero).not.toContain('NaN');
    expect(zero).not.toContain('Infinity');
  });
});
